package postgres

import (
	"context"
	"math"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/postgres/db"
)

func (t *txn) CreateCoupon(ctx context.Context, c *park.Coupon) error {
	c.Version = 1
	err := mapErr(t.q.CreateCoupon(ctx, db.CreateCouponParams{
		LotCode: c.LotCode, ID: c.ID, Plate: c.Plate, PlateKey: c.PlateKey, Kind: c.Kind, Value: c.Value,
		Issuer: c.Issuer, Merchant: c.Merchant, ValidFrom: ts(c.ValidFrom), ValidTo: ts(c.ValidTo),
		State: c.State, StayID: c.StayID, PaymentID: c.PaymentID, UsedAt: tsp(c.UsedAt),
		CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt),
	}))
	switch {
	case park.IsCode(err, park.ENotFound):
		return park.Errorf(park.ENotFound, "lot %q not found", c.LotCode)
	case park.IsCode(err, park.EConflict):
		return park.Errorf(park.EConflict, "coupon %q already exists in lot %q", c.ID, c.LotCode)
	}
	return err
}

func (t *txn) GetCoupon(ctx context.Context, lot, id string) (*park.Coupon, error) {
	r, err := t.q.GetCoupon(ctx, db.GetCouponParams{LotCode: lot, ID: id})
	if err != nil {
		return nil, wrap(err, "coupon %q", id)
	}
	return couponFromRow(r), nil
}

func (t *txn) UpdateCoupon(ctx context.Context, c *park.Coupon) error {
	n, err := t.q.UpdateCoupon(ctx, db.UpdateCouponParams{
		State: c.State, StayID: c.StayID, PaymentID: c.PaymentID, UsedAt: tsp(c.UsedAt),
		UpdatedAt: ts(c.UpdatedAt), LotCode: c.LotCode, ID: c.ID, Version: c.Version,
	})
	return versioned(n, err, &c.Version, func() error {
		_, err := t.q.GetCoupon(ctx, db.GetCouponParams{LotCode: c.LotCode, ID: c.ID})
		return err
	}, "coupon %q", c.ID)
}

func (t *txn) ListCoupons(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, int, error) {
	lim := int32(math.MaxInt32)
	if f.Limit > 0 {
		lim = limit32(f.Limit)
	}
	off := limit32(max(f.Offset, 0))
	var rows []db.Coupon
	var err error
	if f.PlateKey != "" { // by the plate's index, not among the lot's other plates'
		rows, err = t.q.ListPlateCoupons(ctx, db.ListPlateCouponsParams{
			LotCode: f.LotCode, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Off: off, Lim: lim,
			CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
		})
	} else {
		rows, err = t.q.ListCoupons(ctx, db.ListCouponsParams{
			LotCode: f.LotCode, State: f.State, Issuer: f.Issuer, Off: off, Lim: lim,
			CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
		})
	}
	out, err := couponsFromRows(rows, err)
	if err != nil {
		return nil, 0, err
	}
	if f.Offset <= 0 && (f.Limit <= 0 || len(out) < f.Limit) {
		return out, len(out), nil // the page is everything: no need to count
	}
	n, err := t.CountCoupons(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return out, n, nil
}

func (t *txn) CountCoupons(ctx context.Context, f park.CouponFilter) (int, error) {
	var n int64
	var err error
	if unusedOfPlate(f) { // coupons_unused: the car's used coupons are not read
		n, err = t.q.CountPlateUnusedCoupons(ctx, db.CountPlateUnusedCouponsParams{
			LotCode: f.LotCode, PlateKey: f.PlateKey, OpenAt: f.OpenAt,
		})
	} else if f.PlateKey != "" { // by the plate's index, not among the lot's other plates'
		n, err = t.q.CountPlateCoupons(ctx, db.CountPlateCouponsParams{
			LotCode: f.LotCode, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer,
			CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
		})
	} else {
		n, err = t.q.CountCoupons(ctx, db.CountCouponsParams{
			LotCode: f.LotCode, State: f.State, Issuer: f.Issuer,
			CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
		})
	}
	if err != nil {
		return 0, mapErr(err)
	}
	return int(n), nil
}

// couponTimeEnd and couponTimeStart place a first page: after every
// coupon's created time (newest first) or before it (oldest first).
var (
	couponTimeEnd   = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	couponTimeStart = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
)

// unusedOfPlate says whether f selects a plate's unused coupons and
// nothing else: issued, open at f.OpenAt (the five-coupon limit's count),
// which CountPlateUnusedCoupons counts through the partial index of the
// issued coupons alone.
func unusedOfPlate(f park.CouponFilter) bool {
	return f.PlateKey != "" && f.State == park.CouponIssued && !f.OpenAt.IsZero() && f.Issuer == "" &&
		f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() && f.EndedBy.IsZero()
}

func (t *txn) ListCouponsBefore(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, error) {
	at, id := couponTimeEnd, "" // no cursor: from the newest
	if f.CursorID != "" {
		at, id = ts(f.CursorAt), f.CursorID
	}
	if f.PlateKey != "" { // by the plate's index, not past the lot's other plates'
		rows, err := t.q.ListPlateCouponsBefore(ctx, db.ListPlateCouponsBeforeParams{
			LotCode: f.LotCode, BeforeAt: at, BeforeID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
			CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
		})
		return couponsFromRows(rows, err)
	}
	rows, err := t.q.ListCouponsBefore(ctx, db.ListCouponsBeforeParams{
		LotCode: f.LotCode, BeforeAt: at, BeforeID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
		CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
	})
	return couponsFromRows(rows, err)
}

func (t *txn) ListCouponsAfter(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, error) {
	at, id := couponTimeStart, "" // no cursor: from the oldest
	if f.CursorID != "" {
		at, id = ts(f.CursorAt), f.CursorID
	}
	if f.PlateKey != "" { // by the plate's index, not past the lot's other plates'
		rows, err := t.q.ListPlateCouponsAfter(ctx, db.ListPlateCouponsAfterParams{
			LotCode: f.LotCode, AfterAt: at, AfterID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
			CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
		})
		return couponsFromRows(rows, err)
	}
	rows, err := t.q.ListCouponsAfter(ctx, db.ListCouponsAfterParams{
		LotCode: f.LotCode, AfterAt: at, AfterID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
		CreatedFrom: tsOrNil(f.CreatedFrom), CreatedTo: tsOrNil(f.CreatedTo), EndedBy: tsOrNil(f.EndedBy), OpenAt: tsOrNil(f.OpenAt),
	})
	return couponsFromRows(rows, err)
}

// couponLimit is a filter's Limit for a query (0: no limit).
func couponLimit(n int) int32 {
	if n > 0 {
		return limit32(n)
	}
	return math.MaxInt32
}

func couponsFromRows(rows []db.Coupon, err error) ([]*park.Coupon, error) {
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Coupon, len(rows))
	for i, r := range rows {
		out[i] = couponFromRow(r)
	}
	return out, nil
}

func (t *txn) StayCoupons(ctx context.Context, lot, plateKey, stayID string) ([]*park.Coupon, error) {
	rows, err := t.q.StayCoupons(ctx, db.StayCouponsParams{LotCode: lot, PlateKey: plateKey, StayID: stayID})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]*park.Coupon, len(rows))
	for i, r := range rows {
		out[i] = couponFromRow(r)
	}
	return out, nil
}

func couponFromRow(r db.Coupon) *park.Coupon {
	return &park.Coupon{
		ID: r.ID, LotCode: r.LotCode, Plate: r.Plate, PlateKey: r.PlateKey, Kind: r.Kind, Value: r.Value,
		Issuer: r.Issuer, Merchant: r.Merchant, ValidFrom: fromTS(r.ValidFrom), ValidTo: fromTS(r.ValidTo),
		State: r.State, StayID: r.StayID, PaymentID: r.PaymentID, UsedAt: fromTSP(r.UsedAt),
		CreatedAt: fromTS(r.CreatedAt), UpdatedAt: fromTS(r.UpdatedAt), Version: r.Version,
	}
}

// tsOrNil is a time filter argument: nil (no filter) for the zero time.
func tsOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return tsp(&t)
}
