package linkc_test

import (
	"net/http"
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
