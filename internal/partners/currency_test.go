package partners_test

import (
	"encoding/json"
	"errors"
	"testing"

	"parkd/internal/park"
)

// TestPartnerLotCurrency: a partner of a dialect that writes amounts in
// one currency (api-brl: BRL) may hold only lots priced in it, and a lot
// it holds keeps that currency; either refusal changes nothing. Other
// dialects' partners and lots nobody such holds are not limited.
func TestPartnerLotCurrency(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "br1", Name: "BR", TimeZone: "America/Sao_Paulo", Currency: "BRL",
		Capacity: 10, Tariff: json.RawMessage(`{"every":{"minutes":60,"price":500}}`)}); err != nil {
		t.Fatal(err)
	}
	partner := func(id, dialect string, lots ...string) *park.Partner {
		return &park.Partner{ID: id, Name: id, Dialect: dialect, Type: park.PartnerNormal, Lots: lots}
	}
	setCurrency := func(lot, cur string) (*park.Lot, error) {
		return b.Sys.Gate.UpdateLot(b.Ctx, lot, func(l *park.Lot) error { l.Currency = cur; return nil })
	}

	t.Run("ErrLotInOtherCurrency", func(t *testing.T) {
		for _, lots := range [][]string{{b.Lot}, {"br1", b.Lot}} {
			_, err := b.Sys.Partners.CreatePartner(b.Ctx, partner("cnapp", "api-brl", lots...))
			wantInvalid(t, err, "lots")
		}
		if _, err := b.Sys.Partners.GetPartner(b.Ctx, "cnapp"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("refused partner stored: %v", err)
		}
	})
	t.Run("ErrUnknownLot", func(t *testing.T) {
		_, err := b.Sys.Partners.CreatePartner(b.Ctx, partner("ghost", "api-brl", "nolot"))
		wantInvalid(t, err, "lots")
	})
	t.Run("OK", func(t *testing.T) {
		if _, err := b.Sys.Partners.CreatePartner(b.Ctx, partner("brapp", "api-brl", "br1")); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Sys.Partners.CreatePartner(b.Ctx, partner("any", "api-one", "br1", b.Lot)); err != nil {
			t.Fatalf("a dialect declaring no currency: %v", err)
		}
	})
	t.Run("ErrLotCurrencyChange", func(t *testing.T) {
		_, err := setCurrency("br1", "CNY")
		wantInvalid(t, err, "currency")
		if l, err := b.Sys.Gate.GetLot(b.Ctx, "br1"); err != nil || l.Currency != "BRL" {
			t.Fatalf("lot after a refused change: %+v %v", l, err)
		}
		// A lot only other dialects' partners hold may change currency.
		if l, err := setCurrency(b.Lot, "USD"); err != nil || l.Currency != "USD" {
			t.Fatalf("%+v %v", l, err)
		}
		// So may br1 once its BRL partner is gone.
		if err := b.Sys.Partners.DeletePartner(b.Ctx, "brapp"); err != nil {
			t.Fatal(err)
		}
		if l, err := setCurrency("br1", "CNY"); err != nil || l.Currency != "CNY" {
			t.Fatalf("%+v %v", l, err)
		}
	})
}

func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var e *park.Error
	if !errors.As(err, &e) || e.Code != park.EInvalid || e.Field != field {
		t.Fatalf("got %v, want EInvalid naming %s", err, field)
	}
}
