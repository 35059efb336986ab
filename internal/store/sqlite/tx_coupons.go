package sqlite

import (
	"context"
	"math"
	"time"

	"parkd/internal/park"
	"parkd/internal/store/sqlite/db"
)

func (t *txn) CreateCoupon(ctx context.Context, c *park.Coupon) error {
	c.Version = 1
	err := mapErr(t.q.CreateCoupon(stmtCtx, db.CreateCouponParams{
		LotCode: c.LotCode, ID: c.ID, Plate: c.Plate, PlateKey: c.PlateKey, Kind: c.Kind, Value: c.Value,
		Issuer: c.Issuer, Merchant: c.Merchant, ValidFrom: us(c.ValidFrom), ValidTo: us(c.ValidTo),
		State: c.State, StayID: c.StayID, PaymentID: c.PaymentID, UsedAt: nullUS(c.UsedAt),
		CreatedAt: us(c.CreatedAt), UpdatedAt: us(c.UpdatedAt),
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
	r, err := t.q.GetCoupon(stmtCtx, db.GetCouponParams{LotCode: lot, ID: id})
	if err != nil {
		return nil, wrap(err, "coupon %q", id)
	}
	return couponFromRow(r), nil
}

func (t *txn) UpdateCoupon(ctx context.Context, c *park.Coupon) error {
	n, err := t.q.UpdateCoupon(stmtCtx, db.UpdateCouponParams{
		State: c.State, StayID: c.StayID, PaymentID: c.PaymentID, UsedAt: nullUS(c.UsedAt),
		UpdatedAt: us(c.UpdatedAt), LotCode: c.LotCode, ID: c.ID, Version: c.Version,
	})
	return versioned(n, err, &c.Version, func() error {
		_, err := t.q.GetCoupon(stmtCtx, db.GetCouponParams{LotCode: c.LotCode, ID: c.ID})
		return err
	}, "coupon %q", c.ID)
}

func (t *txn) ListCoupons(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, int, error) {
	lim := int64(math.MaxInt64)
	if f.Limit > 0 {
		lim = int64(f.Limit)
	}
	off := int64(max(f.Offset, 0))
	var rows []db.Coupon
	var err error
	if f.PlateKey != "" { // by the plate's index, not among the lot's other plates'
		rows, err = t.q.ListPlateCoupons(stmtCtx, db.ListPlateCouponsParams{
			LotCode: f.LotCode, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Off: off, Lim: lim,
			CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
		})
	} else {
		rows, err = t.q.ListCoupons(stmtCtx, db.ListCouponsParams{
			LotCode: f.LotCode, State: f.State, Issuer: f.Issuer, Off: off, Lim: lim,
			CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
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
		n, err = t.q.CountPlateUnusedCoupons(stmtCtx, db.CountPlateUnusedCouponsParams{
			LotCode: f.LotCode, PlateKey: f.PlateKey, OpenAt: us(f.OpenAt),
		})
	} else if f.PlateKey != "" { // by the plate's index, not among the lot's other plates'
		n, err = t.q.CountPlateCoupons(stmtCtx, db.CountPlateCouponsParams{
			LotCode: f.LotCode, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer,
			CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
		})
	} else {
		n, err = t.q.CountCoupons(stmtCtx, db.CountCouponsParams{
			LotCode: f.LotCode, State: f.State, Issuer: f.Issuer,
			CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
		})
	}
	if err != nil {
		return 0, mapErr(err)
	}
	return int(n), nil
}

// unusedOfPlate says whether f selects a plate's unused coupons and
// nothing else: issued, open at f.OpenAt (the five-coupon limit's count),
// which CountPlateUnusedCoupons counts through the partial index of the
// issued coupons alone.
func unusedOfPlate(f park.CouponFilter) bool {
	return f.PlateKey != "" && f.State == park.CouponIssued && !f.OpenAt.IsZero() && f.Issuer == "" &&
		f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() && f.EndedBy.IsZero()
}

func (t *txn) ListCouponsBefore(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, error) {
	at, id := int64(math.MaxInt64), "" // no cursor: from the newest
	if f.CursorID != "" {
		at, id = us(f.CursorAt), f.CursorID
	}
	if f.PlateKey != "" { // by the plate's index, not past the lot's other plates'
		rows, err := t.q.ListPlateCouponsBefore(stmtCtx, db.ListPlateCouponsBeforeParams{
			LotCode: f.LotCode, BeforeAt: at, BeforeID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
			CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
		})
		return couponsFromRows(rows, err)
	}
	rows, err := t.q.ListCouponsBefore(stmtCtx, db.ListCouponsBeforeParams{
		LotCode: f.LotCode, BeforeAt: at, BeforeID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
		CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
	})
	return couponsFromRows(rows, err)
}

func (t *txn) ListCouponsAfter(ctx context.Context, f park.CouponFilter) ([]*park.Coupon, error) {
	at, id := int64(math.MinInt64), "" // no cursor: from the oldest
	if f.CursorID != "" {
		at, id = us(f.CursorAt), f.CursorID
	}
	if f.PlateKey != "" { // by the plate's index, not past the lot's other plates'
		rows, err := t.q.ListPlateCouponsAfter(stmtCtx, db.ListPlateCouponsAfterParams{
			LotCode: f.LotCode, AfterAt: at, AfterID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
			CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
		})
		return couponsFromRows(rows, err)
	}
	rows, err := t.q.ListCouponsAfter(stmtCtx, db.ListCouponsAfterParams{
		LotCode: f.LotCode, AfterAt: at, AfterID: id, PlateKey: f.PlateKey, State: f.State, Issuer: f.Issuer, Lim: couponLimit(f.Limit),
		CreatedFrom: usOrZero(f.CreatedFrom), CreatedTo: usOrZero(f.CreatedTo), EndedBy: usOrZero(f.EndedBy), OpenAt: usOrZero(f.OpenAt),
	})
	return couponsFromRows(rows, err)
}

// couponLimit is a filter's Limit for a query (0: no limit).
func couponLimit(n int) int64 {
	if n > 0 {
		return int64(n)
	}
	return math.MaxInt64
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
	rows, err := t.q.StayCoupons(stmtCtx, db.StayCouponsParams{LotCode: lot, PlateKey: plateKey, StayID: stayID})
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
		Issuer: r.Issuer, Merchant: r.Merchant, ValidFrom: fromUS(r.ValidFrom), ValidTo: fromUS(r.ValidTo),
		State: r.State, StayID: r.StayID, PaymentID: r.PaymentID, UsedAt: fromNullUS(r.UsedAt),
		CreatedAt: fromUS(r.CreatedAt), UpdatedAt: fromUS(r.UpdatedAt), Version: r.Version,
	}
}

// usOrZero is a time filter argument: 0 (no filter) for the zero time.
func usOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return us(t)
}
