package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"parkd/internal/demo"
	"parkd/internal/store/teststore"
)

// TestPartnerSecrets: through the native API, a signing partner's secret
// shorter than 16 bytes and a sign_mode outside its dialect's are
// refused, a dialect that does not sign takes no secret, and the secret is
// never shown; the demo's vendor test partner (test/ebo2019, static) still
// works, created through the demo-only path.
func TestPartnerSecrets(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	e := newTestEnv(t, teststore.Open(t), now)
	if err := demo.Load(context.Background(), e.sys, now); err != nil {
		t.Fatal(err)
	}
	// Each refusal names its rule: the secret's bounds (16 to 256 bytes),
	// a sign mode the dialect does not offer (unknown), a secret a
	// dialect that does not sign takes none of (not_applicable).
	for name, c := range map[string]struct {
		body   string
		status int
		want   string
		reason string
	}{
		"ErrShortSecret": {`{"id":"p1","name":"P","dialect":"ebopark","secret":"ebo2019","lots":["140123001"]}`, 400, `"field":"secret"`,
			`"reason":"length","params":["16","256"]`},
		"ErrSignMode": {`{"id":"p1","name":"P","dialect":"ebopark","secret":"0123456789abcdef","sign_mode":"sha1","lots":["140123001"]}`, 400, `"field":"sign_mode"`,
			`"reason":"unknown"`},
		"ErrLinkcSecret": {`{"id":"p1","name":"P","dialect":"linkc","secret":"0123456789abcdef","lots":["sp-centro"]}`, 400, `"field":"secret"`,
			`"reason":"not_applicable"`},
		"ErrLinkcSignMode": {`{"id":"p1","name":"P","dialect":"linkc","sign_mode":"md5","lots":["sp-centro"]}`, 400, `"field":"sign_mode"`,
			`"reason":"not_applicable"`},
		"ErrStatic": {`{"id":"p1","name":"P","dialect":"ebopark","secret":"0123456789abcdef","sign_mode":"static","lots":["140123001"]}`, 400, `"field":"sign_mode"`,
			`"reason":"unknown"`},
		"MD5": {`{"id":"p2","name":"P","dialect":"ebopark","secret":"0123456789abcdef","sign_mode":"md5","lots":["140123001"]}`, 201, `"sign_mode":"md5"`, ""},
		"OK":  {`{"id":"p1","name":"P","dialect":"ebopark","secret":"0123456789abcdef","lots":["140123001"]}`, 201, `"sign_mode":"hmac-sha256"`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.admin("POST", "/v1/partners", c.body)
			if r.status != c.status || !strings.Contains(r.body, c.want) || strings.Contains(r.body, "0123456789abcdef") {
				t.Fatalf("%d %s; want %d with %s and no secret", r.status, r.body, c.status, c.want)
			}
			if !strings.Contains(r.body, c.reason) {
				t.Fatalf("%s; want %s", r.body, c.reason)
			}
		})
	}
	t.Run("Demo", func(t *testing.T) {
		r := e.do("POST", "/partnerService/QueryRemainingSpaces?partnerid="+demo.EboPartner+"&sign="+demo.EboSecret,
			`{"ParkCode":"140123001"}`)
		if r.status != 200 || !strings.Contains(r.body, `"state":0`) {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

// TestLinkcLotCurrency: Linkc's amounts are reais, as app declares its
// dialect, so a Linkc partner on a lot priced in yuan is refused (400
// naming lots, nothing created), and so is changing to yuan the currency
// of a lot a Linkc partner may use.
func TestLinkcLotCurrency(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	e := newTestEnv(t, teststore.Open(t), now)
	if err := demo.Load(context.Background(), e.sys, now); err != nil {
		t.Fatal(err)
	}
	r := e.admin("POST", "/v1/partners", `{"id":"cnapp","name":"P","dialect":"linkc","lots":["`+demo.LotCode+`"]}`)
	if r.status != 400 || !strings.Contains(r.body, `"field":"lots"`) {
		t.Fatalf("linkc partner on a CNY lot: %d %s", r.status, r.body)
	}
	if r := e.admin("GET", "/v1/partners/cnapp", ""); r.status != 404 {
		t.Fatalf("refused partner: %d %s", r.status, r.body)
	}
	r = e.admin("PATCH", "/v1/lots/"+demo.BRLotCode, `{"currency":"CNY"}`)
	if r.status != 400 || !strings.Contains(r.body, `"field":"currency"`) {
		t.Fatalf("currency of a linkc partner's lot: %d %s", r.status, r.body)
	}
	if r := e.admin("GET", "/v1/lots/"+demo.BRLotCode, ""); !strings.Contains(r.body, `"currency":"BRL"`) {
		t.Fatalf("lot after a refused change: %s", r.body)
	}
	if r := e.admin("POST", "/v1/partners", `{"id":"brapp","name":"P","dialect":"linkc","lots":["`+demo.BRLotCode+`"]}`); r.status != 201 {
		t.Fatalf("linkc partner on a BRL lot: %d %s", r.status, r.body)
	}
}

// TestEboparkLotCurrency: Ebopark's amounts are fen, the vendor's unit
// ("应付 300 分", "200分抵扣券"), so an Ebopark partner on a lot priced in
// reais is refused (400 naming lots, nothing created), and so is changing
// to reais the currency of a lot an Ebopark partner may use: its
// centavos would be read as fen.
func TestEboparkLotCurrency(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	e := newTestEnv(t, teststore.Open(t), now)
	if err := demo.Load(context.Background(), e.sys, now); err != nil {
		t.Fatal(err)
	}
	r := e.admin("POST", "/v1/partners", `{"id":"brebo","name":"P","dialect":"ebopark","secret":"0123456789abcdef","lots":["`+demo.BRLotCode+`"]}`)
	if r.status != 400 || !strings.Contains(r.body, `"field":"lots"`) {
		t.Fatalf("ebopark partner on a BRL lot: %d %s", r.status, r.body)
	}
	if r := e.admin("GET", "/v1/partners/brebo", ""); r.status != 404 {
		t.Fatalf("refused partner: %d %s", r.status, r.body)
	}
	r = e.admin("PATCH", "/v1/lots/"+demo.LotCode, `{"currency":"BRL"}`)
	if r.status != 400 || !strings.Contains(r.body, `"field":"currency"`) {
		t.Fatalf("currency of an ebopark partner's lot: %d %s", r.status, r.body)
	}
	if r := e.admin("GET", "/v1/lots/"+demo.LotCode, ""); !strings.Contains(r.body, `"currency":"CNY"`) {
		t.Fatalf("lot after a refused change: %s", r.body)
	}
}
