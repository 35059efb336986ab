package core_test

import (
	"context"
	"errors"
	"testing"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestPartnerLot: a partner uses its registered lots alone; another lot,
// and any lot for a partner that does not exist, is not found (field
// lot); the operator ("") uses every lot; a deleted partner uses none.
func TestPartnerLot(t *testing.T) {
	b := systemtest.New(t)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "near", Name: "Near", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	check := func(partner, lot string) (err error) {
		_ = b.Store.View(b.Ctx, func(tx park.Tx) error {
			err = core.PartnerLot(context.Background(), tx, partner, lot)
			return nil
		})
		return err
	}
	for _, c := range []struct {
		name, partner, lot string
		ok                 bool
	}{
		{"OK", "near", b.Lot, true},
		{"Operator", "", "OTHER", true},
		{"ErrAnotherLot", "near", "OTHER", false},
		{"ErrNoSuchLot", "near", "NOSUCH", false},
		{"ErrNoSuchPartner", "ghost", b.Lot, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := check(c.partner, c.lot)
			if c.ok && err != nil {
				t.Fatalf("refused: %v", err)
			}
			var pe *park.Error
			if !c.ok && (!park.IsCode(err, park.ENotFound) || !asError(err, &pe) || pe.Field != "lot") {
				t.Fatalf("%v, want not found naming the lot", err)
			}
		})
	}
	// The partner is read in the transaction: once deleted it uses nothing.
	if err := b.Sys.Partners.DeletePartner(b.Ctx, "near"); err != nil {
		t.Fatal(err)
	}
	if err := check("near", b.Lot); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("a deleted partner: %v, want not found", err)
	}
}

func asError(err error, pe **park.Error) bool { return errors.As(err, pe) }
