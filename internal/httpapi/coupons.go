package httpapi

import (
	"net/http"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/park"
)

// A lot's coupons for its operator: every issuer's coupons, and coupons
// the operator grants itself (a refund for a broken barrier, a VIP). The
// rules are the core's (docs/rules.md, "Coupons"); partners reach the same
// coupons through a partner dialect.

func (s *Server) couponRoutes() {
	s.admin("POST /v1/lots/{code}/coupons", s.issueCoupon)
	s.admin("GET /v1/lots/{code}/coupons", s.listCoupons)
	s.admin("GET /v1/lots/{code}/coupons/{id}", s.getCoupon)
	s.admin("DELETE /v1/lots/{code}/coupons/{id}", s.deleteCoupon)
}

type couponInput struct {
	ID        string  `json:"id"`
	Plate     string  `json:"plate"`
	Kind      string  `json:"kind"`
	Value     int64   `json:"value"`
	Merchant  string  `json:"merchant"`
	ValidFrom *string `json:"valid_from"`
	ValidTo   *string `json:"valid_to"`
}

type couponView struct {
	ID        string  `json:"id"`
	LotCode   string  `json:"lot_code"`
	Plate     string  `json:"plate"`
	Kind      string  `json:"kind"`
	Value     int64   `json:"value"`
	Currency  string  `json:"currency"` // ISO 4217, the lot's; an amount coupon's value is in its minor units
	Issuer    string  `json:"issuer"`
	Merchant  string  `json:"merchant"`
	ValidFrom string  `json:"valid_from"`
	ValidTo   string  `json:"valid_to"`
	State     string  `json:"state"`
	StayID    string  `json:"stay_id,omitempty"`
	PaymentID string  `json:"payment_id,omitempty"`
	UsedAt    *string `json:"used_at"` // null while unused
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func viewCoupon(c *park.Coupon, currency string) couponView {
	return couponView{ID: c.ID, LotCode: c.LotCode, Plate: c.Plate, Kind: c.Kind, Value: c.Value, Currency: currency, Issuer: c.Issuer,
		Merchant: c.Merchant, ValidFrom: fmtTime(c.ValidFrom), ValidTo: fmtTime(c.ValidTo), State: c.State,
		StayID: c.StayID, PaymentID: c.PaymentID, UsedAt: fmtTimePtr(c.UsedAt),
		CreatedAt: fmtTime(c.CreatedAt), UpdatedAt: fmtTime(c.UpdatedAt)}
}

// issueCoupon answers 201 with the coupon; a retry of one already issued
// with the same id and details, or without an id under the same
// Idempotency-Key within billing.CouponKeyWindow, answers the first
// coupon, marked with Idempotent-Replayed as payments are.
func (s *Server) issueCoupon(w http.ResponseWriter, r *http.Request) error {
	var in couponInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ci := billing.CouponInput{LotCode: r.PathValue("code"), ID: in.ID, Plate: in.Plate, Kind: in.Kind, Value: in.Value,
		Merchant: in.Merchant, IdempotencyKey: r.Header.Get("Idempotency-Key")}
	if err := optTime("valid_from", in.ValidFrom, &ci.ValidFrom); err != nil {
		return err
	}
	if err := optTime("valid_to", in.ValidTo, &ci.ValidTo); err != nil {
		return err
	}
	res, err := s.svc.Billing.IssueCoupon(r.Context(), ci)
	if err != nil {
		return err
	}
	if res.Replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	cur, err := s.lotCurrency(r.Context(), res.Coupon.LotCode)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/lots/"+res.Coupon.LotCode+"/coupons/"+res.Coupon.ID)
	writeJSON(w, http.StatusCreated, viewCoupon(res.Coupon, cur))
	return nil
}

// listCoupons pages a lot's coupons, oldest first: ?plate=, ?state=
// (issued, expired, used, deleted), ?limit= (default 100), and ?after=
// (the next of the previous page) or ?offset=. next names the page's
// last coupon while more follow: after places a page by it, so coupons
// issued meanwhile do not shift it and a deep page skips no rows. total
// is read with the page, in one transaction, so the two always agree.
func (s *Server) listCoupons(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := core.QueryLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = defaultCouponPage
	}
	offset, err := queryInt("offset", q.Get("offset"))
	if err != nil {
		return err
	}
	after := q.Get("after")
	if after != "" && q.Has("offset") {
		return park.Invalid("offset", "cannot be given with after: after places the page")
	}
	cq := billing.CouponQuery{LotCode: r.PathValue("code"), Plate: q.Get("plate"), State: q.Get("state"), Limit: limit, Offset: offset}
	var cs []*park.Coupon
	var total int
	var more bool
	if after != "" {
		cq.Cursor = after
		p, err := s.svc.Billing.CouponPageTotal(r.Context(), cq)
		if err != nil {
			return err
		}
		cs, more, total = p.Coupons, p.More, p.Total
	} else {
		if cs, total, err = s.svc.Billing.ListCoupons(r.Context(), cq); err != nil {
			return err
		}
		more = offset+len(cs) < total
	}
	cur, err := s.lotCurrency(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]couponView, len(cs))
	for i, c := range cs {
		out[i] = viewCoupon(c, cur)
	}
	resp := map[string]any{"coupons": out, "total": total}
	if more && len(cs) > 0 {
		resp["next"] = cs[len(cs)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

const defaultCouponPage = 100

func (s *Server) getCoupon(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Billing.GetCoupon(r.Context(), r.PathValue("code"), r.PathValue("id"), "")
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), c.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewCoupon(c, cur))
	return nil
}

// deleteCoupon withdraws an unused coupon; the record stays, as deleted.
func (s *Server) deleteCoupon(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Billing.DeleteCoupon(r.Context(), r.PathValue("code"), r.PathValue("id"), "")
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), c.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewCoupon(c, cur))
	return nil
}
