package partners

import (
	"context"

	"parkd/internal/park"
)

// A dialect that writes amounts in one currency (Config.Currencies) would
// give a lot's amounts in another currency as if they were its own: 5 yuan
// read as 5 reais. So its partners may hold only lots that price in it,
// checked both when a partner is made and when a lot's currency changes.

// checkCurrency refuses (EInvalid naming lots, ReasonCurrency) a partner whose dialect
// declares a currency and one of whose lots prices otherwise. A lot that
// does not exist is left to the store, which names it.
func (s *Service) checkCurrency(ctx context.Context, tx park.Tx, p *park.Partner) error {
	want, ok := s.currency[p.Dialect]
	if !ok {
		return nil
	}
	for _, code := range p.Lots {
		l, err := tx.GetLotSettings(ctx, code)
		if park.IsCode(err, park.ENotFound) {
			continue
		} else if err != nil {
			return err
		}
		if l.Currency != want {
			return park.Invalid("lots", "lot %s prices in %s; a %s partner's lots must price in %s, the currency its API's amounts are in",
				l.Code, l.Currency, p.Dialect, want).Because(park.ReasonCurrency, l.Currency, want)
		}
	}
	return nil
}

// CheckLotCurrency refuses (EInvalid naming currency, ReasonCurrency) lot l's currency
// when a partner that may use the lot speaks a dialect declaring another:
// the gate asks, inside its transaction, before a lot's currency changes.
func (s *Service) CheckLotCurrency(ctx context.Context, tx park.Tx, l *park.Lot) error {
	if len(s.currency) == 0 {
		return nil
	}
	ps, err := tx.ListPartners(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if want, ok := s.currency[p.Dialect]; ok && want != l.Currency && p.MayUse(l.Code) {
			return park.Invalid("currency", "partner %s (%s) may use lot %s and its amounts are in %s; delete the partner first",
				p.ID, p.Dialect, l.Code, want).Because(park.ReasonCurrency, l.Currency, want)
		}
	}
	return nil
}
