package park

import (
	"strconv"
	"strings"
	"time"
)

// Line is one row of a price breakdown. Deductions are negative.
type Line struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Label  string    `json:"label"`
	Amount int64     `json:"amount"`
	Coupon string    `json:"coupon,omitempty"` // the coupon a deduction line comes from
}

// Quote is a priced offer to settle a stay; it can be paid once, before it
// expires, for exactly AmountDue.
type Quote struct {
	ID         string    `json:"id"`
	StayID     string    `json:"stay_id"`
	LotCode    string    `json:"lot_code"`
	AmountDue  int64     `json:"amount_due"`
	Total      int64     `json:"amount_total"`
	Discount   int64     `json:"amount_discount"`
	PaidBefore int64     `json:"amount_paid"` // the stay's paid amount when quoted; a change means someone else paid
	Currency   string    `json:"currency"`
	ComputedAt time.Time `json:"computed_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Lines      []Line    `json:"lines"`
	Source     string    `json:"source,omitempty"` // the partner that asked, "" for the native API
	// LeaveBy is until when the car may leave if it pays AmountDue now
	// (nothing due: the last instant leaving still owes nothing), by the
	// rule of a look-up at ComputedAt (billing.StayStatus.LeaveBy). Set
	// when the quote is taken; not stored.
	LeaveBy time.Time `json:"-"`
}

// Gross is what the quoted stay costs before deductions (Total is after).
func (q *Quote) Gross() int64 { return q.Total + q.Discount }

// Payment settles one quote.
type Payment struct {
	ID             string    `json:"id"`
	QuoteID        string    `json:"quote_id"`
	StayID         string    `json:"stay_id"`
	LotCode        string    `json:"lot_code"`
	Amount         int64     `json:"amount"`
	Currency       string    `json:"currency"`
	Method         string    `json:"method"`
	Payer          string    `json:"payer,omitempty"`
	Reference      string    `json:"reference,omitempty"`
	IdempotencyKey string    `json:"-"`
	PaidAt         time.Time `json:"paid_at"`
	PaidUntil      time.Time `json:"paid_until"`
}

// PaymentRequest is what a payer submits.
type PaymentRequest struct {
	QuoteID        string
	Amount         int64
	Method         string
	Payer          string // "" for the native API's admin; a partner id otherwise
	Reference      string // the payer's own transaction reference
	IdempotencyKey string
	Lot            string // when set, the quote must be of this lot
	// AmountText, when set, is the amount as a decimal string in the
	// quote's currency ("5.50"), read exactly (ParseDecimal) instead of
	// Amount: a partner that speaks decimals need not know the currency
	// before paying.
	AmountText string
}

// PaymentMethod is a payment method as parkd stores, counts and reports
// it: trimmed and in lower case, so "WX", "wx" and " Wx " are one method
// in the stay's payments, the metrics and the reports, whichever API the
// payer used. A dialect that echoes a method spells it as its vendor does.
func PaymentMethod(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// MaxAmount bounds every amount parkd accepts (100 million major units of a
// 2-decimal currency): far above any parking fee, far below int64 overflow.
const MaxAmount int64 = 10_000_000_000

// Validate checks a payment request's fields.
func (r *PaymentRequest) Validate() error {
	if err := RequiredLen("quote_id", r.QuoteID, 64, ""); err != nil {
		return err
	}
	switch {
	case len(r.AmountText) > 32:
		return Invalid("amount", "is too long").Because(ReasonLength, "0", "32")
	case r.Amount < 0 || r.Amount > MaxAmount:
		return Invalid("amount", "must be between 0 and %d minor units", MaxAmount).Because(ReasonRange, "0", strconv.FormatInt(MaxAmount, 10))
	case r.Method == "" || len(r.Method) > 32:
		return RequiredLen("method", r.Method, 32, ` (e.g. "cash", "card", "wechat")`)
	case len(r.Reference) > 128:
		return Invalid("reference", "must be at most 128 characters").Because(ReasonLength, "0", "128")
	case len(r.IdempotencyKey) > 128:
		return Invalid("Idempotency-Key", "must be at most 128 characters").Because(ReasonLength, "0", "128")
	}
	return CheckTexts("quote_id", r.QuoteID, "amount", r.AmountText, "method", r.Method, "reference", r.Reference,
		"Idempotency-Key", r.IdempotencyKey, "payer", r.Payer)
}
