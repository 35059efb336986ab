package demo

import (
	"context"
	"fmt"
	"time"

	"parkd/internal/access"
	"parkd/internal/park"
	"parkd/internal/system"
)

// Demo reservation: a shared-parking order of the Ebopark demo partner for
// a car that has not arrived yet, so ShareQueryUser, ShareOrderTerminate
// and a reserved entry can be tried at once.
const (
	ReservationOrder = "DEMO-SHARE-0001"
	ReservationPlate = "浙A66666"
)

// loadReservations creates the demo order if it is missing: its window is
// the four hours from the first load, prepaid 20 yuan.
func loadReservations(ctx context.Context, svc *system.System, now time.Time) error {
	_, err := svc.Access.FindReservations(ctx, access.ReservationQuery{PartnerID: EboPartner, LotCode: LotCode, OrderNo: ReservationOrder})
	if err == nil || !park.IsCode(err, park.ENotFound) {
		return err
	}
	from := now.Truncate(time.Minute)
	if _, _, err := svc.Access.SyncReservation(ctx, access.ReservationInput{
		PartnerID: EboPartner, LotCode: LotCode, OrderNo: ReservationOrder, Kind: park.ReservationShared,
		Plate: ReservationPlate, Mobile: "13900139000", UserName: "陈静", From: from, To: from.Add(4 * time.Hour),
		Prepaid: 2000, MayEnter: true, MayExit: true,
	}); err != nil {
		return fmt.Errorf("reservation: %w", err)
	}
	return nil
}
