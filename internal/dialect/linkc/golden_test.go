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
	if m["localizador"] != d.Locator || m["valor_total"] != "10.5" || m["valor_pago"] != "5.5" || m["valor_devido"] != "5.0" ||
		m["validade_datahora"] != "2019-08-31T02:51:30-03:00" || m["transacao_validade_datahora"] != "2019-08-31T02:56:30-03:00" {
		t.Fatalf("got %s", r.body)
	}
	golden(t, "estadia_calculo.json", r.body)
}

func TestGoldenPermanencia(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seedStay(t, e)
	r := e.get("/api/estadias?placa=ABC1234")
	golden(t, "permanencia.json", r.body)
	// The Mercosul form of the same car finds it too.
	if m := want(t, e.get("/api/estadias?placa=ABC1C34"), 200)["permanencia"].(map[string]any); m["placa"] != "ABC1234" {
		t.Fatalf("Mercosul lookup: %v", m)
	}
}

// TestGoldenMovimento: an OSA partner registered the entry at 01:26:44;
// the car paid R$ 10,50 and left at 02:26:44.
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
	want(t, r, 200)
	golden(t, "movimento.json", r.body)
}
