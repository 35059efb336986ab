package linkc_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestGarageTakenFromPartnerElsewhere: when another node takes a garage
// from a partner (here the store is changed behind this node's back, as
// that node's change reaches it), the partner's next lookup no longer
// finds the cars of that garage, although this node still trusts the
// integrator's token it checked: which garages a partner uses is read
// with the lookup.
func TestGarageTakenFromPartnerElsewhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.enter(t, "sp", "g-1", "ABC1234", entry)
	e.clock.Set(entry.Add(30 * time.Minute))
	want(t, e.get("/api/estadias?localizador="+d.Locator), 200) // app may use sp; the token is now trusted
	err := e.store.Update(e.ctx, func(tx park.Tx) error {
		p, err := tx.GetPartner(e.ctx, "app")
		if err != nil {
			return err
		}
		p.Lots = []string{"manaus"}
		return tx.SetChannelPartner(e.ctx, p)
	})
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, e.get("/api/estadias?localizador="+d.Locator), 404, "not_found")
	wantError(t, e.get("/api/estadias?placa=ABC1234"), 404, "not_found")
}
