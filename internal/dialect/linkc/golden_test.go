package linkc_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/gate"
	"parkd/internal/park"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	uuidRE    = regexp.MustCompile(`"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"`)
	locatorRE = regexp.MustCompile(`"(localizador|documento)": "[0-9]{10}"`)
)

// golden compares a reply with testdata/name after replacing the values
// that are random by design (the locator a gate drew, the transaction id)
// with the seed's own, so the golden files read like the seed's examples.
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(body), "", "  "); err != nil {
		t.Fatalf("reply is not JSON: %v: %s", err, body)
	}
	got := uuidRE.ReplaceAll(out.Bytes(), []byte(`"73b4cab7-ea27-426c-b247-bf0f006e0f05"`))
	got = append(locatorRE.ReplaceAll(got, []byte(`"$1": "1234567890"`)), '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("reply differs from %s:\n got: %s\nwant: %s", path, got, want)
	}
}

// seedStay makes the seed's situation: a car (ABC1234) entered at
// 01:26:44 (-03:00), paid R$ 5,50 at 02:00 (covered until 02:15), and is
// looked up at 02:51:30. The stay costs R$ 10,50 (first hour 5,50 + one
// started hour 5,00); the time after 02:15 costs one more hour block, so
// R$ 5,00 is due.
//
// What the golden files show, worked out by hand (spTariff, sp: -03:00,
// exit grace 15 min, quote TTL 300 s):
//   - entrada_datahora 2019-08-31T01:26:44-03:00 (the entry);
//   - valor_total "10.5": 01:26:44-02:26:44 R$ 5,50, 02:26:44-02:51:30 one
//     started hour R$ 5,00;
//   - valor_pago "5.5" (the payment at 02:00);
//   - valor_devido "5.0", and valor_adquirente the same (parkd takes no fee);
//   - validade_datahora 2019-08-31T03:06:30-03:00: R$ 5,00 is due, and a
//     car that pays it now may leave within the 15 min exit grace: lookup
//     02:51:30 + 15 min (the seed's example, too, is later than its
//     transacao_validade_datahora);
//   - transacao_validade_datahora 2019-08-31T02:56:30-03:00: lookup + 300 s.
var seedWant = map[string]string{
	"entrada_datahora": "2019-08-31T01:26:44-03:00", "valor_total": "10.5", "valor_pago": "5.5", "valor_devido": "5.0",
	"valor_adquirente": "5.0", "validade_datahora": "2019-08-31T03:06:30-03:00",
	"transacao_validade_datahora": "2019-08-31T02:56:30-03:00",
}

// wantValues checks a reply's keys against values worked out by hand.
func wantValues(t *testing.T, got map[string]any, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %s", k, got[k], v)
		}
	}
}
func seedStay(t *testing.T, e *env) park.Decision {
	t.Helper()
	d := e.enter(t, "sp", "seed-1", "ABC1234", entry)
	e.payNative(t, d.StayID, time.Date(2019, 8, 31, 2, 0, 0, 0, sp))
	e.clock.Set(time.Date(2019, 8, 31, 2, 51, 30, 0, sp))
	return d
}

func TestGoldenEstadiaCalculo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := seedStay(t, e)
	r := e.get("/api/estadias?localizador=" + d.Locator)
	m := want(t, r, 200)["estadia_calculo"].(map[string]any)
	wantValues(t, m, seedWant)
	if m["localizador"] != d.Locator {
		t.Errorf("localizador %v, want %s", m["localizador"], d.Locator)
	}
	golden(t, "estadia_calculo.json", r.body)
}

func TestGoldenPermanencia(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seedStay(t, e)
	r := e.get("/api/estadias?placa=ABC1234")
	m := want(t, r, 200)["permanencia"].(map[string]any)
	wantValues(t, m, seedWant)
	if m["placa"] != "ABC1234" {
		t.Errorf("placa %v", m["placa"])
	}
	golden(t, "permanencia.json", r.body)
	// The Mercosul form of the same car finds it too.
	if m := want(t, e.get("/api/estadias?placa=ABC1C34"), 200)["permanencia"].(map[string]any); m["placa"] != "ABC1234" {
		t.Fatalf("Mercosul lookup: %v", m)
	}
}

// TestGoldenMovimento: an OSA partner registered the entry at 01:26:44;
// the car paid R$ 10,50 and left at 02:26:44. By hand (shopTariff, shop:
// -03:00): the exactly one-hour stay is the first hour, R$ 10,50, so
// valor_total "10.5"; status FINALIZADO (left); times with -03:00.
func TestGoldenMovimento(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clock.Set(entry)
	d, err := e.svc.Partners.HandleEventFrom(e.ctx, "osa", gate.EventInput{LotCode: "shop", ID: "osa-1", Type: park.EventEntry,
		Plate: "ABC1234", Lane: "in-1", At: entry})
	if err != nil {
		t.Fatal(err)
	}
	e.payNative(t, d.StayID, time.Date(2019, 8, 31, 2, 20, 0, 0, sp))
	out := time.Date(2019, 8, 31, 2, 26, 44, 0, sp)
	e.clock.Set(out)
	if dec, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: "shop", ID: "osa-2", Type: park.EventExit,
		Plate: "ABC1234", Lane: "out-1", At: out}); err != nil || dec.Decision != park.DecisionOpen {
		t.Fatalf("exit: %+v %v", dec, err)
	}
	e.clock.Set(out.Add(30 * time.Minute))
	r := e.get("/api/estadias?parceiro_id=osa&localizador=" + d.Locator)
	m := want(t, r, 200)["movimento"].(map[string]any)
	wantValues(t, m, map[string]string{"documento": d.Locator, "status": "FINALIZADO",
		"entrada_datahora": "2019-08-31T01:26:44-03:00", "saida_datahora": "2019-08-31T02:26:44-03:00", "valor_total": "10.5"})
	golden(t, "movimento.json", r.body)
}

// TestDiscountIsItsOwnKey: a coupon is sent as desconto, and valor_total
// stays the price before it, so valor_devido = valor_total − valor_pago −
// desconto as the seed defines it. By hand (spTariff): in at 01:26:44,
// looked up 90 minutes later: two started hours, R$ 5,50 + R$ 5,00 =
// "10.5"; a R$ 2,00 coupon: desconto "2.0"; nothing paid: devido "8.5".
func TestDiscountIsItsOwnKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "disc-1", "DEF1234", entry)
	if _, err := e.svc.Billing.IssueCoupon(e.ctx, billing.CouponInput{LotCode: "sp", ID: "C-200", Plate: "DEF1234",
		Kind: park.CouponAmount, Value: 200, ValidFrom: entry, ValidTo: entry.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(entry.Add(90 * time.Minute))
	m := want(t, e.get("/api/estadias?localizador="+d.Locator), 200)["estadia_calculo"].(map[string]any)
	wantValues(t, m, map[string]string{"valor_total": "10.5", "desconto": "2.0", "valor_pago": "0.0", "valor_devido": "8.5", "valor_adquirente": "8.5"})
}

// TestGoldenWithParceiroID replays the seed's two other request forms,
// with parceiro_id (here the user's default partner, named), and the
// seed's Accept header verbatim: the replies are the same golden files,
// key for key.
func TestGoldenWithParceiroID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := seedStay(t, e)
	accept := []string{"Accept", "application/vnd.linkc.com.br; version=1"}
	r := e.get("/api/estadias?localizador="+d.Locator+"&parceiro_id=app", accept...)
	wantValues(t, want(t, r, 200)["estadia_calculo"].(map[string]any), seedWant)
	golden(t, "estadia_calculo.json", r.body)
	r = e.get("/api/estadias?placa=ABC1234&parceiro_id=app", accept...)
	wantValues(t, want(t, r, 200)["permanencia"].(map[string]any), seedWant)
	golden(t, "permanencia.json", r.body)
}

// TestCouponAfterPaymentLowersValorDevido: a coupon given after a
// payment comes off what the car owes for its time after the exit
// grace, not off what the grace lets go. By hand (spTariff): in at
// 01:26:44, R$ 5,50 paid 55 minutes later (the first hour), free to
// leave until 70 minutes; at 125 minutes three started hours, R$ 15,50,
// R$ 10,00 left, of which 70-125 minutes (one started hour) asks R$ 5,00:
// a R$ 2,00 coupon leaves "3.0" to pay.
func TestCouponAfterPaymentLowersValorDevido(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "paid-1", "DEF1234", entry)
	e.clock.Set(entry.Add(55 * time.Minute))
	m := want(t, e.get("/api/estadias?localizador="+d.Locator), 200)["estadia_calculo"].(map[string]any)
	want(t, e.post("/api/estadias/pagamentos", payBody(m["transacao"].(string), "5.5")), 200)
	e.clock.Set(entry.Add(125 * time.Minute))
	if _, err := e.svc.Billing.IssueCoupon(e.ctx, billing.CouponInput{LotCode: "sp", ID: "C-200", Plate: "DEF1234",
		Kind: park.CouponAmount, Value: 200}); err != nil {
		t.Fatal(err)
	}
	m = want(t, e.get("/api/estadias?localizador="+d.Locator), 200)["estadia_calculo"].(map[string]any)
	wantValues(t, m, map[string]string{"valor_total": "15.5", "desconto": "2.0", "valor_pago": "5.5", "valor_devido": "3.0", "valor_adquirente": "3.0"})
}
