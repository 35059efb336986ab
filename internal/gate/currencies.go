package gate

import (
	"context"

	"parkd/internal/park"
)

// LotCurrencies says whether a lot may price in a currency given who holds
// it: a partner whose dialect writes amounts in one currency holds only
// lots priced in it, and a rental store sits only in a lot priced in the
// currency its channels sell in. The partners and rental subsystems
// implement it, inside the gate's transaction, so the check and the
// change are one.
type LotCurrencies interface {
	// CheckLotCurrency returns EInvalid naming currency when l's
	// currency does not suit one that holds it.
	CheckLotCurrency(ctx context.Context, tx park.Tx, l *park.Lot) error
}

// SetLotCurrencies wires the subsystems that hold lots (system does, once,
// before use: they are built after the gate).
func (s *Service) SetLotCurrencies(cs ...LotCurrencies) { s.currencies = cs }
