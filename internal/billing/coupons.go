package billing

import (
	"context"
	"strconv"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// DefaultCouponValidity is how long a coupon issued without an end is valid.
const DefaultCouponValidity = 24 * time.Hour

// CouponInput is a coupon to issue. An empty ID is generated; a zero
// ValidFrom is now (its whole second); a zero ValidTo is ValidFrom +
// DefaultCouponValidity.
type CouponInput struct {
	LotCode   string
	ID        string
	Plate     string
	Kind      string
	Value     int64
	Merchant  string
	ValidFrom time.Time
	ValidTo   time.Time
	Issuer    string // the partner issuing it; "" for an operator
}

// CouponResult is an issued coupon and whether it was issued earlier by
// the same request.
type CouponResult struct {
	Coupon *park.Coupon
	Replay bool
}

// IssueCoupon grants a coupon to a car of a lot. It applies to the car's
// stay in that lot priced while it is valid (see priceStay). Rules:
//   - the plate is normalised (a plate-less car's temporary identity is a
//     plate); value, window and merchant are checked by Coupon.Validate,
//     and the window must not have ended;
//   - the issuer must be a partner that may use the lot;
//   - a car holds at most park.MaxCouponsPerStay unused coupons in a lot
//     (expired ones do not count);
//   - an id names one coupon of the lot for ever: issuing the same id
//     again with the same issuer, plate, kind and value returns the first
//     coupon (a retry), anything else is refused.
//
// Errors: EInvalid, ENotFound (lot), EConflict (id taken, too many coupons).
func (s *Service) IssueCoupon(ctx context.Context, in CouponInput) (CouponResult, error) {
	now := s.base.Clock()
	c, err := newCoupon(in, now)
	if err != nil {
		return CouponResult{}, err
	}
	var res CouponResult
	err = s.base.Update(ctx, func(tx park.Tx) error {
		res = CouponResult{}
		if err := issuerMayUse(ctx, tx, in.Issuer, in.LotCode); err != nil {
			return err
		}
		if prev, err := tx.GetCoupon(ctx, c.LotCode, c.ID); err == nil {
			if prev.Issuer != c.Issuer || prev.PlateKey != c.PlateKey || prev.Kind != c.Kind || prev.Value != c.Value {
				return &park.Error{Code: park.EConflict, Field: "id",
					Message: "coupon " + c.ID + " already exists in this lot with other details; use a new id"}
			}
			res = CouponResult{Coupon: prev, Replay: true}
			return nil
		} else if !park.IsCode(err, park.ENotFound) {
			return err
		}
		if _, n, err := tx.ListCoupons(ctx, park.CouponFilter{LotCode: c.LotCode, PlateKey: c.PlateKey,
			State: park.CouponIssued, OpenAt: now, Limit: 1}); err != nil {
			return err
		} else if n >= park.MaxCouponsPerStay {
			return &park.Error{Code: park.EConflict, Field: "plate",
				Message: "the car already holds " + strconv.Itoa(n) + " unused coupons in this lot (the most a stay can use)"}
		}
		cp := *c
		if err := tx.CreateCoupon(ctx, &cp); err != nil {
			return err
		}
		res.Coupon = &cp
		return nil
	})
	if err != nil {
		return CouponResult{}, err
	}
	return res, nil
}

// newCoupon checks a coupon to issue and fills in its defaults.
func newCoupon(in CouponInput, now time.Time) (*park.Coupon, error) {
	p, err := core.Plate("plate", in.Plate)
	if err != nil {
		return nil, err
	}
	c := &park.Coupon{
		ID: in.ID, LotCode: in.LotCode, Plate: p.Text, PlateKey: p.Key, Kind: in.Kind, Value: in.Value,
		Issuer: in.Issuer, Merchant: in.Merchant, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
		State: park.CouponIssued, CreatedAt: now, UpdatedAt: now,
	}
	if c.ID == "" {
		c.ID = core.NewID()
	}
	if c.Kind == park.CouponFree && c.Value == 0 {
		c.Value = 1 // a free stay has no amount
	}
	if c.ValidFrom.IsZero() {
		// From the second it is issued, as partners read its times: a
		// camera's read of that same second is inside the window it shows.
		c.ValidFrom = now.Truncate(time.Second)
	}
	if c.ValidTo.IsZero() {
		c.ValidTo = c.ValidFrom.Add(DefaultCouponValidity)
	}
	c.ValidFrom = c.ValidFrom.UTC().Truncate(park.Precision)
	c.ValidTo = c.ValidTo.UTC().Truncate(park.Precision)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if !c.ValidTo.After(now) {
		return nil, park.Invalid("valid_to", "has already passed")
	}
	return c, nil
}

// issuerMayUse refuses a partner that may not use the lot as if the lot
// did not exist (core.PartnerLot); an operator ("") may use any existing
// lot.
func issuerMayUse(ctx context.Context, tx park.Tx, issuer, lot string) error {
	if _, err := tx.GetLotSettings(ctx, lot); err != nil {
		return err
	}
	return core.PartnerLot(ctx, tx, issuer, lot)
}

// GetCoupon returns a coupon of a lot. A partner (issuer != "") sees only
// the coupons it issued, in the lots it may use (core.PartnerLot); others
// are not found. Errors: ENotFound (field id; lot, for a lot the partner
// may not use).
func (s *Service) GetCoupon(ctx context.Context, lot, id, issuer string) (*park.Coupon, error) {
	var c *park.Coupon
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		c, err = issuedBy(ctx, tx, lot, id, issuer)
		return err
	})
	return c, err
}

func issuedBy(ctx context.Context, tx park.Tx, lot, id, issuer string) (*park.Coupon, error) {
	if err := park.CheckText("id", id); err != nil {
		return nil, err
	}
	if err := core.PartnerLot(ctx, tx, issuer, lot); err != nil {
		return nil, err
	}
	c, err := tx.GetCoupon(ctx, lot, id)
	if err == nil && issuer != "" && c.Issuer != issuer {
		err = park.Errorf(park.ENotFound, "coupon %q not found", id)
	}
	if park.IsCode(err, park.ENotFound) {
		return nil, &park.Error{Code: park.ENotFound, Field: "id", Message: "coupon " + id + " not found"}
	}
	return c, err
}

// DeleteCoupon withdraws an unused coupon (state deleted): the next quote
// no longer has it; a quote already taken with it can no longer be paid.
// Deleting a deleted coupon returns it unchanged. A partner deletes only
// the coupons it issued, in the lots it may use (core.PartnerLot).
// Errors: ENotFound (field id; lot), EConflict (field id: the coupon was
// used).
func (s *Service) DeleteCoupon(ctx context.Context, lot, id, issuer string) (*park.Coupon, error) {
	now := s.base.Clock()
	var out *park.Coupon
	err := s.base.Update(ctx, func(tx park.Tx) error {
		c, err := issuedBy(ctx, tx, lot, id, issuer)
		if err != nil {
			return err
		}
		out = c
		switch c.State {
		case park.CouponDeleted:
			return nil
		case park.CouponUsed:
			return &park.Error{Code: park.EConflict, Field: "id",
				Message: "coupon " + id + " was already used and cannot be deleted"}
		}
		c.State, c.UpdatedAt = park.CouponDeleted, now
		return tx.UpdateCoupon(ctx, c)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CouponQuery selects a lot's coupons for a list; Plate, State and the
// creation window are optional filters. Issuer is who asks: a partner
// lists only the coupons it issued, in the lots it may use
// (core.PartnerLot); "" (an operator) lists every issuer's.
type CouponQuery struct {
	LotCode     string
	Plate       string
	State       string // issued, used, deleted, or expired (park.Coupon.StateAt): as a filter, issued selects the issued coupons still valid or to come
	Issuer      string
	CreatedFrom time.Time
	CreatedTo   time.Time
	Offset      int
	Limit       int
}

// ListCoupons returns a page of a lot's coupons, oldest first, and how
// many the query selects in all. Errors: EInvalid (plate, state, limit,
// created_to), ENotFound (lot, or one q.Issuer may not use).
func (s *Service) ListCoupons(ctx context.Context, q CouponQuery) ([]*park.Coupon, int, error) {
	f := park.CouponFilter{LotCode: q.LotCode, State: q.State, Issuer: q.Issuer, CreatedFrom: q.CreatedFrom,
		CreatedTo: q.CreatedTo, Offset: q.Offset, Limit: q.Limit}
	switch q.State {
	case "", park.CouponUsed, park.CouponDeleted:
	case park.CouponIssued:
		f.OpenAt = s.base.Clock()
	case park.CouponExpired:
		f.State, f.EndedBy = park.CouponIssued, s.base.Clock()
	default:
		return nil, 0, park.Invalid("state", "must be issued, expired, used or deleted")
	}
	if q.Offset < 0 || q.Limit < 1 || q.Limit > park.MaxListLimit {
		return nil, 0, park.Invalid("limit", "must be between 1 and %d", park.MaxListLimit)
	}
	if !q.CreatedFrom.IsZero() && !q.CreatedTo.IsZero() && !q.CreatedTo.After(q.CreatedFrom) {
		return nil, 0, park.Invalid("created_to", "must be after created_from")
	}
	if q.Plate != "" {
		p, err := core.Plate("plate", q.Plate)
		if err != nil {
			return nil, 0, err
		}
		f.PlateKey = p.Key
	}
	var out []*park.Coupon
	var n int
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		if err := issuerMayUse(ctx, tx, q.Issuer, q.LotCode); err != nil {
			return err // an unknown lot is not an empty one
		}
		out, n, err = tx.ListCoupons(ctx, f)
		return err
	})
	return out, n, err
}
