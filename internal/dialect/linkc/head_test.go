package linkc_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestHeadLookupStoresNothing: a HEAD of a stay lookup answers the
// headers a GET would, but takes no quote (a GET takes one for the
// amount due) and makes up no sandbox stay.
func TestHeadLookupStoresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "cam-h1", "ABC1D23", entry)
	e.clock.Set(entry.Add(2 * time.Hour))
	quotes := func() int {
		t.Helper()
		var qs []*park.Quote
		err := e.store.View(e.ctx, func(tx park.Tx) (err error) { qs, err = tx.ListStayQuotes(e.ctx, d.StayID, 100); return err })
		if err != nil {
			t.Fatal(err)
		}
		return len(qs)
	}
	r := e.do("HEAD", "/api/estadias?localizador="+d.Locator, "", "Authorization", "Bearer "+e.token)
	if r.status != http.StatusOK {
		t.Fatalf("HEAD: status %d, want 200: %s", r.status, r.body)
	}
	if n := quotes(); n != 0 {
		t.Fatalf("a HEAD took %d quotes, want none", n)
	}
	want(t, e.get("/api/estadias?localizador="+d.Locator), http.StatusOK)
	if n := quotes(); n != 1 {
		t.Fatalf("a GET took %d quotes, want 1", n)
	}

	before, err := e.svc.Gate.Occupancy(e.ctx, "sbx")
	if err != nil {
		t.Fatal(err)
	}
	e.do("HEAD", "/api/estadias?parceiro_id=sandbox&localizador=1234567890", "", "Authorization", "Bearer "+e.token)
	if after, err := e.svc.Gate.Occupancy(e.ctx, "sbx"); err != nil || after.Occupied != before.Occupied {
		t.Fatalf("sandbox occupancy after a HEAD: %+v, %v; want %+v", after, err, before)
	}
}

// TestHeadLookupLength: over HTTP, a HEAD of a stay lookup announces no
// length other than the GET's: its body would lack the quote a GET takes
// (transacao, transacao_validade), so a Content-Length from it would be
// shorter than what a GET of the same stay sends.
func TestHeadLookupLength(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "cam-h2", "ABC1D24", entry)
	e.clock.Set(entry.Add(2 * time.Hour))
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	send := func(method string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+"/api/estadias?localizador="+d.Locator, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept", "application/vnd.linkc.com.br; version=1")
		req.Header.Set("Authorization", "Bearer "+e.token)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	head, get := send(http.MethodHead), send(http.MethodGet)
	if head.StatusCode != http.StatusOK || get.StatusCode != http.StatusOK {
		t.Fatalf("HEAD %d, GET %d; want 200 both", head.StatusCode, get.StatusCode)
	}
	if head.ContentLength != -1 && head.ContentLength != get.ContentLength {
		t.Fatalf("HEAD announces Content-Length %d, GET sends %d", head.ContentLength, get.ContentLength)
	}
	if h, g := head.Header.Get("Content-Type"), get.Header.Get("Content-Type"); h != g {
		t.Fatalf("HEAD Content-Type %q, GET %q", h, g)
	}
}
