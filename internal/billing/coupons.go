package billing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
)

// DefaultCouponValidity is how long a coupon issued without an end is valid.
const DefaultCouponValidity = 24 * time.Hour

// CouponKeyWindow is how long an idempotency key its issuer chose names
// the coupon it issued: as long as a coupon issued now is valid by
// default, so a partner retrying after an outage of hours (parkd's own
// deliveries retry for hours) gets the first coupon, not a second one.
// The same grant made again (a second visit) is a new request, and the
// issuer sends it under a new key.
const CouponKeyWindow = DefaultCouponValidity

// CouponResendWindow is how long a key derived from the request's content
// (KeyFromContent: a vendor that sends no key of its own) names the coupon
// it issued. The same content later may well be a new grant (the same
// shop's coupon on the car's second visit), which such an issuer cannot
// tell apart by key, so only a resend after a timeout comes within it.
const CouponResendWindow = 5 * time.Minute

// CouponInput is a coupon to issue. An empty ID is generated; a zero
// ValidFrom is now (its whole second); a zero ValidTo is ValidFrom +
// DefaultCouponValidity. IdempotencyKey, used only without an ID, names
// the request for CouponKeyWindow, or CouponResendWindow when
// KeyFromContent.
type CouponInput struct {
	LotCode        string
	ID             string
	IdempotencyKey string
	// KeyFromContent says IdempotencyKey is derived from the request's
	// content by a dialect, not chosen by the issuer.
	KeyFromContent bool
	Plate          string
	Kind           string
	Value          int64
	Merchant       string
	ValidFrom      time.Time
	ValidTo        time.Time
	Issuer         string // the partner issuing it; "" for an operator
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
//     coupon (a retry), anything else is refused;
//   - without an id, an idempotency key names the coupon its issuer issued
//     with it for CouponKeyWindow (CouponResendWindow for a key derived
//     from the request's content): the same request again returns that
//     coupon, another request under the key is refused.
//
// Errors: EInvalid, ENotFound (lot), EConflict (id taken, too many coupons),
// EIdempotencyKey.
func (s *Service) IssueCoupon(ctx context.Context, in CouponInput) (CouponResult, error) {
	if len(in.IdempotencyKey) > 128 {
		return CouponResult{}, park.Invalid("Idempotency-Key", "must be at most 128 characters").Because(park.ReasonLength, "0", "128")
	}
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
		if in.ID == "" && in.IdempotencyKey != "" {
			prev, err := keyedCoupon(ctx, tx, in, now)
			if err != nil || prev != nil {
				res = CouponResult{Coupon: prev, Replay: true}
				return err
			}
			c.ID = keyedCouponID(in, now, 0)
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
		// Counted by the car's plate alone, reading none of its coupons.
		if n, err := tx.CountCoupons(ctx, park.CouponFilter{LotCode: c.LotCode, PlateKey: c.PlateKey,
			State: park.CouponIssued, OpenAt: now}); err != nil {
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

// keyedCouponID is the id a coupon issued under in's key takes: the key
// is recorded as the coupon's id, in the coupon's own transaction, so it
// needs no table of its own. The window's slot (back slots earlier) makes
// a key name a new coupon once its window has passed.
func keyedCouponID(in CouponInput, now time.Time, back int64) string {
	slot := now.Unix()/int64(keyWindow(in)/time.Second) - back
	h := sha256.Sum256([]byte(in.Issuer + "\x00" + in.IdempotencyKey + "\x00" + strconv.FormatInt(slot, 10)))
	return "k" + hex.EncodeToString(h[:16])
}

// keyWindow is how long in's key names the coupon it issued.
func keyWindow(in CouponInput) time.Duration {
	if in.KeyFromContent {
		return CouponResendWindow
	}
	return CouponKeyWindow
}

// keyedCoupon returns the coupon issued under in's key within its window
// (keyWindow) of now (nil when none): it is in this slot or the one
// before. A key reused for another coupon is EIdempotencyKey.
func keyedCoupon(ctx context.Context, tx park.Tx, in CouponInput, now time.Time) (*park.Coupon, error) {
	for back := range int64(2) {
		prev, err := tx.GetCoupon(ctx, in.LotCode, keyedCouponID(in, now, back))
		if park.IsCode(err, park.ENotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		if now.Sub(prev.CreatedAt) >= keyWindow(in) {
			return nil, nil
		}
		c, err := newCoupon(in, prev.CreatedAt)
		if err != nil {
			return nil, err
		}
		if prev.PlateKey != c.PlateKey || prev.Kind != c.Kind || prev.Value != c.Value || prev.Merchant != c.Merchant ||
			!prev.ValidFrom.Equal(c.ValidFrom) || !prev.ValidTo.Equal(c.ValidTo) {
			return nil, &park.Error{Code: park.EIdempotencyKey, Field: "Idempotency-Key",
				Message: "this key already issued coupon " + prev.ID + " with other details; a new coupon needs a key of its own"}
		}
		return prev, nil
	}
	return nil, nil
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
		return nil, park.Invalid("valid_to", "has already passed").Because(park.ReasonPast)
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
	// Newest and Cursor are CouponPage's: newest first rather than oldest
	// first, from after the coupon Cursor names in that order ("": from
	// the start). ListCoupons ignores them.
	Newest bool
	Cursor string
}

// ListCoupons returns a page of a lot's coupons, oldest first, and how
// many the query selects in all. Errors: EInvalid (plate, state, limit,
// created_to), ENotFound (lot, or one q.Issuer may not use).
func (s *Service) ListCoupons(ctx context.Context, q CouponQuery) ([]*park.Coupon, int, error) {
	var limitErr error
	if q.Offset < 0 || q.Limit < 1 || q.Limit > park.MaxListLimit {
		limitErr = park.Invalid("limit", "must be between 1 and %d", park.MaxListLimit).Because(park.ReasonRange, "1", strconv.Itoa(park.MaxListLimit))
	}
	f, err := s.couponFilter(q, limitErr)
	if err != nil {
		return nil, 0, err
	}
	f.Offset, f.Limit = q.Offset, q.Limit
	var out []*park.Coupon
	var n int
	err = s.base.View(ctx, func(tx park.Tx) (err error) {
		if err := issuerMayUse(ctx, tx, q.Issuer, q.LotCode); err != nil {
			return err // an unknown lot is not an empty one
		}
		out, n, err = tx.ListCoupons(ctx, f)
		return err
	})
	return out, n, err
}

// couponFilter is the store's filter for q's lot, plate, state, issuer
// and creation window, checked; limitErr, the caller's refusal of its
// page size, is named after the state, as it always was.
func (s *Service) couponFilter(q CouponQuery, limitErr error) (park.CouponFilter, error) {
	f := park.CouponFilter{LotCode: q.LotCode, State: q.State, Issuer: q.Issuer, CreatedFrom: q.CreatedFrom, CreatedTo: q.CreatedTo}
	switch q.State {
	case "", park.CouponUsed, park.CouponDeleted:
	case park.CouponIssued:
		f.OpenAt = s.base.Clock()
	case park.CouponExpired:
		f.State, f.EndedBy = park.CouponIssued, s.base.Clock()
	default:
		return f, park.Invalid("state", "must be issued, expired, used or deleted").Because(park.ReasonUnknown)
	}
	if limitErr != nil {
		return f, limitErr
	}
	if !q.CreatedFrom.IsZero() && !q.CreatedTo.IsZero() && !q.CreatedTo.After(q.CreatedFrom) {
		return f, park.Invalid("created_to", "must be after created_from").Because(park.ReasonOrder)
	}
	if q.Plate != "" {
		p, err := core.Plate("plate", q.Plate)
		if err != nil {
			return f, err
		}
		f.PlateKey = p.Key
	}
	return f, nil
}

// CouponPage returns one page of the coupons q selects, at most q.Limit
// (0: core.DefaultPage), newest first when q.Newest (created, then id,
// the higher first) or else oldest first, and whether more follow. It is
// placed by q.Cursor, the previous page's last coupon, not by a count:
// coupons issued meanwhile neither shift nor repeat the pages still to
// read, and a deep page reads no row before it. Coupons are never
// deleted (a withdrawn one stays, as deleted), so the cursor must name
// one of the lot the asker may list.
// Errors: EInvalid (plate, state, limit, created_to, before when newest
// first, after when oldest first), ENotFound (lot, or one q.Issuer may
// not use).
func (s *Service) CouponPage(ctx context.Context, q CouponQuery) ([]*park.Coupon, bool, error) {
	p, err := s.couponPage(ctx, q, false)
	return p.Coupons, p.More, err
}

// CouponList is a page of coupons, whether more follow, and how many the
// query selects in all, its cursor aside.
type CouponList struct {
	Coupons []*park.Coupon
	More    bool
	Total   int
}

// CouponPageTotal is CouponPage with the total, both read in one
// transaction: a coupon issued meanwhile is in both or in neither, so
// the total never disagrees with the pages. Errors: CouponPage's.
func (s *Service) CouponPageTotal(ctx context.Context, q CouponQuery) (CouponList, error) {
	return s.couponPage(ctx, q, true)
}

func (s *Service) couponPage(ctx context.Context, q CouponQuery, total bool) (CouponList, error) {
	limit, limitErr := core.PageLimit(q.Limit)
	cursorField := "after"
	if q.Newest {
		cursorField = "before"
	}
	if err := park.CheckText(cursorField, q.Cursor); err != nil {
		return CouponList{}, err
	}
	f, err := s.couponFilter(q, limitErr)
	if err != nil {
		return CouponList{}, err
	}
	f.Limit = limit + 1 // one more says whether more follow
	var out []*park.Coupon
	var n int
	err = s.base.View(ctx, func(tx park.Tx) (err error) {
		if err := issuerMayUse(ctx, tx, q.Issuer, q.LotCode); err != nil {
			return err
		}
		if q.Cursor != "" {
			c, err := tx.GetCoupon(ctx, q.LotCode, q.Cursor)
			if err == nil && q.Issuer != "" && c.Issuer != q.Issuer {
				err = park.Errorf(park.ENotFound, "coupon %q", q.Cursor) // another issuer's is none of its pages
			}
			if park.IsCode(err, park.ENotFound) {
				return park.Invalid(cursorField, "%q is not a page cursor of lot %s's coupons: pass the last coupon of the previous page",
					q.Cursor, q.LotCode).Because(park.ReasonUnknown)
			}
			if err != nil {
				return err
			}
			f.CursorAt, f.CursorID = c.CreatedAt, c.ID
		}
		if q.Newest {
			out, err = tx.ListCouponsBefore(ctx, f)
		} else {
			out, err = tx.ListCouponsAfter(ctx, f)
		}
		if err != nil || !total {
			return err
		}
		n, err = tx.CountCoupons(ctx, f) // the filter's, from the start: a plate's by its index
		return err
	})
	if err != nil {
		return CouponList{}, err
	}
	out, more := core.Page(out, limit)
	return CouponList{Coupons: out, More: more, Total: n}, nil
}
