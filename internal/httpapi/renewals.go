package httpapi

import (
	"net/http"

	"parkd/internal/access"
	"parkd/internal/park"
)

// Renewing a monthly pass at the operator's desk: a renewal order priced
// by the pass's plan, then its payment, which extends the pass once. The
// rules are the core's (docs/rules.md, "Plans and renewal"); partners
// renew through their dialects.

func (s *Server) renewalRoutes() {
	s.admin("POST /v1/lots/{code}/passes/{id}/renewals", s.quoteRenewal)
	s.admin("GET /v1/lots/{code}/renewals/{id}", s.getRenewal)
	s.admin("POST /v1/lots/{code}/renewals/{id}/payment", s.payRenewal)
}

type renewalInput struct {
	Months int    `json:"months"`
	Plan   string `json:"plan"`
}

type renewalPaymentInput struct {
	Amount    *int64 `json:"amount"`
	Method    string `json:"method"`
	Reference string `json:"reference"`
}

type renewalView struct {
	ID        string  `json:"id"`
	LotCode   string  `json:"lot_code"`
	PassID    string  `json:"pass_id"`
	Plan      string  `json:"plan"`
	Months    int     `json:"months"`
	Amount    int64   `json:"amount"`
	Currency  string  `json:"currency"` // ISO 4217, the lot's; amount is in its minor units
	StartsAt  string  `json:"starts_at"`
	ValidTo   string  `json:"valid_to"`
	ExpiresAt string  `json:"expires_at"`
	PaidAt    *string `json:"paid_at"` // null until paid
	Reference string  `json:"reference,omitempty"`
	Method    string  `json:"method,omitempty"`
}

func viewRenewal(r *park.Renewal, currency string) renewalView {
	return renewalView{ID: r.ID, LotCode: r.LotCode, PassID: r.PassID, Plan: r.PlanCode, Months: r.Months, Amount: r.Amount,
		Currency: currency,
		StartsAt: fmtTime(r.StartsAt), ValidTo: fmtTime(r.ValidTo), ExpiresAt: fmtTime(r.ExpiresAt),
		PaidAt: fmtTimePtr(r.PaidAt), Reference: r.Reference, Method: r.Method}
}

type renewalPaidView struct {
	Renewal renewalView `json:"renewal"`
	Pass    *passView   `json:"pass"` // null when the pass was deleted after a replayed payment
}

func (s *Server) quoteRenewal(w http.ResponseWriter, r *http.Request) error {
	var in renewalInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rn, _, err := s.svc.Access.QuoteRenewal(r.Context(), access.RenewalInput{Lot: r.PathValue("code"), Pass: access.PassRef{ID: r.PathValue("id")},
		Months: in.Months, Plan: in.Plan})
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), rn.LotCode)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/lots/"+rn.LotCode+"/renewals/"+rn.ID)
	writeJSON(w, http.StatusCreated, viewRenewal(rn, cur))
	return nil
}

func (s *Server) getRenewal(w http.ResponseWriter, r *http.Request) error {
	rn, err := s.svc.Access.GetRenewal(r.Context(), r.PathValue("code"), r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), rn.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewRenewal(rn, cur))
	return nil
}

// payRenewal records the order paid at the desk; the reference (a receipt
// number) makes a retry return the first result, marked with
// Idempotent-Replayed as payments are.
func (s *Server) payRenewal(w http.ResponseWriter, r *http.Request) error {
	var in renewalPaymentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Amount == nil {
		return park.Invalid("amount", "is required (minor units)")
	}
	if len(in.Method) > 32 {
		return park.Invalid("method", "must be at most 32 characters")
	}
	res, err := s.svc.Access.PayRenewal(r.Context(), access.RenewalPayment{Lot: r.PathValue("code"), ID: r.PathValue("id"),
		Amount: *in.Amount, Reference: in.Reference, Method: in.Method})
	if err != nil {
		return err
	}
	if res.Replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	cur, err := s.lotCurrency(r.Context(), res.Renewal.LotCode)
	if err != nil {
		return err
	}
	out := renewalPaidView{Renewal: viewRenewal(res.Renewal, cur)}
	if res.Pass != nil {
		v := viewPass(res.Pass)
		out.Pass = &v
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}
