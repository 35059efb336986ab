package access

import (
	"context"

	"parkd/internal/core"
	"parkd/internal/park"
)

// lotFor is the lot a use case acts on for partner ("" : an operator),
// read in the use case's transaction: a lot the partner may not use
// (core.PartnerLot) answers exactly as one that does not exist, so a lot
// taken from the partner on another node is refused at once, whichever
// entry point asks.
func lotFor(ctx context.Context, tx park.Tx, partner, lot string) (*park.Lot, error) {
	if err := core.PartnerLot(ctx, tx, partner, lot); err != nil {
		return nil, err
	}
	return tx.GetLotSettings(ctx, lot)
}
