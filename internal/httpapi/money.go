package httpapi

import (
	"context"
	"net/http"

	"parkd/internal/park"
)

type lineView struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Label  string `json:"label"`
	Amount int64  `json:"amount"`
}

func viewLines(ls []park.Line) []lineView {
	out := make([]lineView, len(ls))
	for i, l := range ls {
		out[i] = lineView{From: fmtTime(l.From), To: fmtTime(l.To), Label: l.Label, Amount: l.Amount}
	}
	return out
}

type quoteView struct {
	ID          string     `json:"id"`
	StayID      string     `json:"stay_id"`
	AmountDue   int64      `json:"amount_due"`
	AmountTotal int64      `json:"amount_total"`
	AmountPaid  int64      `json:"amount_paid"`
	Discount    int64      `json:"amount_discount"`
	Currency    string     `json:"currency"`
	ComputedAt  string     `json:"computed_at"`
	ExpiresAt   string     `json:"expires_at"`
	LeaveBy     string     `json:"leave_by"` // paid now, the car leaves free until then
	Lines       []lineView `json:"lines"`
}

func (s *Server) createQuote(w http.ResponseWriter, r *http.Request) error {
	q, err := s.svc.Billing.CreateQuote(r.Context(), r.PathValue("id"), "")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, quoteView{
		ID: q.ID, StayID: q.StayID, AmountDue: q.AmountDue, AmountTotal: q.Total, AmountPaid: q.PaidBefore,
		Discount: q.Discount, Currency: q.Currency, ComputedAt: fmtTime(q.ComputedAt),
		ExpiresAt: fmtTime(q.ExpiresAt), LeaveBy: fmtTime(q.LeaveBy), Lines: viewLines(q.Lines),
	})
	return nil
}

type paymentInput struct {
	QuoteID   string `json:"quote_id"`
	Amount    *int64 `json:"amount"`
	Method    string `json:"method"`
	Reference string `json:"reference"`
}

type paymentView struct {
	ID        string `json:"id"`
	QuoteID   string `json:"quote_id"`
	StayID    string `json:"stay_id"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Method    string `json:"method"`
	Reference string `json:"reference,omitempty"`
	PaidAt    string `json:"paid_at"`
	PaidUntil string `json:"paid_until"`
	LeaveBy   string `json:"leave_by"` // what a look-up now says: paid_until or the end of the time paid for, the later
}

func (s *Server) createPayment(w http.ResponseWriter, r *http.Request) error {
	var in paymentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Amount == nil {
		return park.Invalid("amount", "is required (minor units)")
	}
	res, err := s.svc.Billing.Pay(r.Context(), park.PaymentRequest{
		QuoteID: in.QuoteID, Amount: *in.Amount, Method: in.Method, Reference: in.Reference,
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
	})
	if err != nil {
		return err
	}
	p := res.Payment
	if res.Replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, http.StatusCreated, paymentView{
		ID: p.ID, QuoteID: p.QuoteID, StayID: p.StayID, Amount: p.Amount, Currency: p.Currency, Method: p.Method,
		Reference: p.Reference, PaidAt: fmtTime(p.PaidAt), PaidUntil: fmtTime(p.PaidUntil),
		LeaveBy: fmtTime(res.LeaveBy),
	})
	return nil
}

// lotCurrencies gives the currency of the lots one reply names, reading
// each lot once: stays, plans, coupons, renewals and charging sessions do
// not carry it, their lot does.
type lotCurrencies struct {
	s   *Server
	ctx context.Context
	m   map[string]string
}

func (s *Server) currencies(ctx context.Context) *lotCurrencies {
	return &lotCurrencies{s: s, ctx: ctx, m: map[string]string{}}
}

func (c *lotCurrencies) of(lot string) (string, error) {
	if cur, ok := c.m[lot]; ok {
		return cur, nil
	}
	l, err := c.s.svc.Gate.LotSettings(c.ctx, lot)
	if err != nil {
		return "", err
	}
	c.m[lot] = l.Currency
	return l.Currency, nil
}

// lotCurrency is the currency of one lot, for a reply about one lot.
func (s *Server) lotCurrency(ctx context.Context, lot string) (string, error) {
	return s.currencies(ctx).of(lot)
}
