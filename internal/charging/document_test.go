package charging_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestParseStandard: a standard typed as one document is read as the
// native API reads its body, and a document that is not one is refused
// naming the field and the rule, so the console can word it.
func TestParseStandard(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		in, err := charging.ParseStandard([]byte(`{"name":"night","family":1,"rules":{"kind":"energy","payment":"balance",
			"refund_to":"balance","segments":[{"from":"00:00","to":"24:00","price":80}]}}`))
		if err != nil || in.Name != "night" || in.Family != park.FamilyCar || in.Rules.Kind != "energy" ||
			len(in.Rules.Segments) != 1 || in.Rules.Segments[0].Price != 80 || in.ID != 0 {
			t.Fatalf("%+v, %v", in, err)
		}
	})
	for _, c := range []struct {
		name, doc     string
		field, reason string
		offset        int64
	}{
		// The x is the 10th byte: the JSON stops being JSON there.
		{"ErrSyntax", `{"name": x}`, "", park.ReasonSyntax, 10},
		{"ErrUnknownField", `{"name":"a","colour":"red"}`, "colour", park.ReasonUnknown, 0},
		{"ErrIDNotTyped", `{"id":7,"name":"a"}`, "id", park.ReasonUnknown, 0},
		{"ErrType", `{"name":"a","family":"car"}`, "family", park.ReasonType, 0},
		{"ErrTwoDocuments", `{"name":"a"} {}`, "", park.ReasonSyntax, 14},
		{"ErrEmpty", ``, "", park.ReasonRequired, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := charging.ParseStandard([]byte(c.doc))
			var pe *park.Error
			if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != c.field || pe.Reason != c.reason || pe.Offset != c.offset {
				t.Fatalf("%#v, want EInvalid on %q because %s at %d", err, c.field, c.reason, c.offset)
			}
		})
	}
}

// TestStandardChangesAudited: who created, replaced or deleted a standard is in
// the audit log, with the standard before and after, in the change's
// transaction; a refused change writes nothing.
func TestStandardChangesAudited(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	ctx := park.WithActor(r.Ctx, "ana")
	st, err := r.cs.CreateStandard(ctx, charging.StandardInput{Name: "day", Family: park.FamilyCar, Rules: energyRules})
	if err != nil {
		t.Fatal(err)
	}
	bad := energyRules
	bad.Kind = "weight"
	if _, err := r.cs.ReplaceStandard(ctx, st.ID, charging.StandardInput{Name: "day", Family: park.FamilyCar, Rules: bad}); err == nil {
		t.Fatal("a kind the rules do not have was accepted")
	}
	if _, err := r.cs.ReplaceStandard(ctx, st.ID, charging.StandardInput{Name: "day 2", Family: park.FamilyCar, Rules: energyRules}); err != nil {
		t.Fatal(err)
	}
	if err := r.cs.DeleteStandard(ctx, st.ID+1000); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("deleting a standard that is not there: %v", err)
	}
	if err := r.cs.DeleteStandard(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	es, err := r.AuditLog(park.AuditFilter{Actor: "ana"})
	if err != nil || len(es) != 3 {
		t.Fatalf("%d entries, want a create, an update and a deletion: %v", len(es), err)
	}
	del, upd, create := es[0], es[1], es[2]
	if del.Action != "price_standard.delete" || del.Target != fmt.Sprint(st.ID) || !strings.Contains(del.Before, `"name":"day 2"`) || del.After != "" {
		t.Fatalf("deletion audited as %+v", del)
	}
	id := fmt.Sprint(st.ID)
	if create.Action != "price_standard.create" || create.Target != id || create.Lot != "" || !strings.Contains(create.After, `"name":"day"`) ||
		upd.Action != "price_standard.update" || upd.Target != id || !strings.Contains(upd.Before, `"name":"day"`) ||
		!strings.Contains(upd.After, `"name":"day 2"`) {
		t.Fatalf("audit %+v %+v", create, upd)
	}
}

// TestLotStandardUse: a lot's chargers in service, counted by standard;
// a retired one and another lot's are not.
func TestLotStandardUse(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules) // CP1 in the lot
	c, err := r.cs.Charger(r.Ctx, "CP1")
	if err != nil {
		t.Fatal(err)
	}
	r.CreateLot(t, "OTHER", 5, park.MissedEntryHold)
	for _, x := range []struct{ id, lot string }{{"CP2", r.Lot}, {"CP3", r.Lot}, {"CP9", "OTHER"}} {
		if _, err := r.cs.RegisterCharger(r.Ctx, charging.ChargerInput{ID: x.id, LotCode: x.lot, Family: park.FamilyCar, Connectors: 1,
			StandardID: c.StandardID, Password: "0123456789abcdef"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.cs.RetireCharger(r.Ctx, "CP3"); err != nil {
		t.Fatal(err)
	}
	use, err := r.cs.LotStandardUse(r.Ctx, r.Lot)
	if err != nil || len(use) != 1 || use[c.StandardID] != 2 {
		t.Fatalf("%v, %v; want CP1 and CP2 on standard %d", use, err, c.StandardID)
	}
}
