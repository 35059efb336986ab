package core

import (
	"context"

	"parkd/internal/park"
)

// PartnerLot is the one rule of which lots a partner acts on: a partner
// registered for some lots may use only those. partnerID "" is the
// operator, who may use every lot. The partner is read in tx, so a lot
// taken from its registration is refused at once, whatever any cache
// holds. A lot that is not the partner's (or a partner that does not
// exist: its lots went with it) answers ENotFound with field "lot",
// exactly as a lot that does not exist, so a partner learns nothing of
// other lots. One indexed look-up: the fee query and the gate's partner
// calls run it in the single writer.
func PartnerLot(ctx context.Context, tx park.Tx, partnerID, lot string) error {
	if partnerID == "" {
		return nil
	}
	ok, err := tx.PartnerUsesLot(ctx, partnerID, lot)
	if err != nil {
		return err
	}
	if !ok {
		return &park.Error{Code: park.ENotFound, Field: "lot", Message: "lot " + lot + " not found"}
	}
	return nil
}
