package gate

import (
	"context"

	"parkd/internal/park"
)

// LotCurrencies says whether a lot may price in a currency given who holds
// it: a partner whose dialect writes amounts in one currency holds only
// lots priced in it. The partners subsystem implements it, inside the
// gate's transaction, so the check and the change are one.
type LotCurrencies interface {
	// CheckLotCurrency returns EInvalid naming currency when l's
	// currency does not suit one that holds it.
	CheckLotCurrency(ctx context.Context, tx park.Tx, l *park.Lot) error
}

// SetLotCurrencies wires the partners subsystem (system does, once,
// before use: it is built after the gate).
func (s *Service) SetLotCurrencies(c LotCurrencies) { s.currencies = c }
