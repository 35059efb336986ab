package park

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable, machine-readable error code. Partners and the native API
// see it verbatim, so a code never changes meaning once released.
type Code string

// Error codes. Each transport maps these to its own shape in one table.
const (
	EInvalid        Code = "invalid"         // malformed or out-of-range input
	ENotFound       Code = "not_found"       // the named thing does not exist (for this caller)
	EConflict       Code = "conflict"        // already exists / would break a uniqueness rule
	EUnauthorized   Code = "unauthorized"    // missing or wrong credentials
	EQuoteExpired   Code = "quote_expired"   // the quote's expiry has passed; take a new one
	EQuotePaid      Code = "quote_paid"      // the quote has already been paid by another payment
	EAmountMismatch Code = "amount_mismatch" // payment amount differs from the quote's amount due
	EStaySettled    Code = "stay_settled"    // the stay owes nothing, or was paid after the quote was taken
	EStayClosed     Code = "stay_closed"     // the stay has left the lot
	EIdempotencyKey Code = "idempotency_key" // an Idempotency-Key was reused for a different request
	ELotFull        Code = "lot_full"        // an entry asked for through an API was held: no space for visitors
	EEntryRefused   Code = "entry_refused"   // an entry asked for through an API was held for another reason
	ECardData       Code = "card_data"       // a payment carried raw card data, which parkd never takes
	ERateLimited    Code = "rate_limited"    // too many attempts (sign-ins); retry after Error.At
	EReplayed       Code = "replayed"        // a signed request that was already served, sent again
	EUnavailable    Code = "unavailable"     // the database is unreachable or busy; retry
	EInternal       Code = "internal"        // a bug; details are logged, never shown
)

// Codes returns every code above, so each transport's table can be
// checked to map them all.
func Codes() []Code {
	return []Code{EInvalid, ENotFound, EConflict, EUnauthorized, EQuoteExpired, EQuotePaid, EAmountMismatch,
		EStaySettled, EStayClosed, EIdempotencyKey, ELotFull, EEntryRefused, ECardData, ERateLimited, EReplayed, EUnavailable, EInternal}
}

// Error is a domain error: a code for machines, a message for people (in
// English; each transport words the code in its own language), optionally
// the input field that was wrong, and the value the error is about.
type Error struct {
	Code    Code
	Field   string
	Message string
	// Amount and At are what a transport needs to word some errors in its
	// own units and time zone: the amount due (minor units of Currency, ""
	// for the lot's) of EAmountMismatch, the expiry of EQuoteExpired (in
	// the lot's time zone when it is known), when a token stopped being
	// valid for EUnauthorized on field token (expired or revoked), and
	// when another attempt will be allowed for ERateLimited.
	Amount   int64
	Currency string
	At       time.Time
	// Stale marks an EConflict that is a lost race, not a rule: the row
	// changed since the transaction read it, and the same request may
	// succeed when tried again with fresh reads.
	Stale bool
	// Reason names the rule that refused Field (one of the Reason
	// constants, or for a plate the plate package's kind of refusal)
	// where the code and field alone do not say it, so a transport can
	// word the refusal in its own language; "" otherwise.
	Reason string
	// Params are the Reason's numbers, as the English message gives
	// them, so a transport's words carry them too: ReasonRange and
	// ReasonLength the least and the most allowed, ReasonGap the start
	// and end of what is not covered, ReasonOverlap where the overlap
	// starts (times of day HH:MM; powers with their unit, "100 W").
	// None when the rule has no numbers.
	Params []string
	// Offset is where in a document typed (a tariff) its text stopped
	// being read as JSON, in bytes from its start; 0: not such an error.
	Offset int64
	// Cause is the lower error behind it (a driver's, naming the
	// database's host and user), for the log: Error includes it, a
	// transport's reply never does (Public).
	Cause error
}

// Reasons an input is refused, for Error.Reason. Stable once released,
// as codes are.
const (
	ReasonOrder      = "order"       // an end (Field) that is not after its start
	ReasonPast       = "past"        // an end (Field) already passed: a window made that would be of no use
	ReasonLength     = "length"      // too short or too long
	ReasonOwnAccount = "own_account" // not to be done to one's own account
	// A document's field (a tariff's), as its parser refuses it.
	ReasonRequired  = "required"  // missing
	ReasonType      = "type"      // a value of the wrong JSON type
	ReasonRange     = "range"     // a number or a count out of its range
	ReasonFormat    = "format"    // a text not in its form (a clock time HH:MM)
	ReasonUnknown   = "unknown"   // a name (a field, a value) the document does not take
	ReasonDuplicate = "duplicate" // given twice
	ReasonSyntax    = "syntax"    // not JSON (Offset says where, when known)
	ReasonOverlap   = "overlap"   // time bands that overlap
	ReasonGap       = "gap"       // time bands that leave part of the day uncovered
	// A charging standard's field, as its validation refuses it.
	ReasonNotApplicable = "not_applicable" // set, but not for this kind (of standard, of dialect, of subscription)
	ReasonNeeds         = "needs"          // set without the field it needs (Params: that field)
	ReasonAllOrNone     = "all_or_none"    // given for some items of a list, not all
	ReasonEmpty         = "empty"          // a time window whose end is its start
	ReasonNotConnected  = "not_connected"  // a device parkd cannot reach now (a charger offline)
	ReasonNotAnswering  = "not_answering"  // a device connected that did not answer in time (a charger silent)
	// Other inputs.
	ReasonExcludes         = "excludes"          // set with a field it cannot go with (Params: that field)
	ReasonCurrency         = "currency"          // a lot whose currency is not the one a partner's dialect speaks (Params: the lot's, the dialect's)
	ReasonUnresolved       = "unresolved"        // a host name that does not resolve
	ReasonPrivate          = "private"           // a host that is, or resolves to, a loopback, private or special-purpose address
	ReasonControlCharacter = "control_character" // a text holding a control, line-separator or bidirectional character (BadText; Params: it as U+XXXX, its byte offset)
)

// Reasons returns every Reason constant above, so a transport's list of
// them (the native API's document) can be checked complete.
func Reasons() []string {
	return []string{ReasonOrder, ReasonLength, ReasonOwnAccount, ReasonRequired, ReasonType, ReasonRange, ReasonFormat,
		ReasonUnknown, ReasonDuplicate, ReasonSyntax, ReasonOverlap, ReasonGap, ReasonNotApplicable, ReasonNeeds,
		ReasonAllOrNone, ReasonEmpty, ReasonNotConnected, ReasonNotAnswering, ReasonExcludes, ReasonCurrency,
		ReasonUnresolved, ReasonPrivate, ReasonControlCharacter, ReasonPast}
}

// Because returns e with its Reason, and the Reason's Params, set.
func (e *Error) Because(reason string, params ...string) *Error {
	e.Reason, e.Params = reason, params
	return e
}

// RetryAfter is how many whole seconds from now a caller refused with
// ERateLimited waits before trying again: until e.At, rounded up, and at
// least 1 (also when At is unknown or past). Every transport's Retry-After
// is this number.
func (e *Error) RetryAfter(now time.Time) int64 {
	if e == nil || e.At.IsZero() {
		return 1
	}
	d := e.At.Sub(now)
	secs := int64(d / time.Second)
	if d%time.Second > 0 {
		secs++
	}
	return max(secs, 1)
}

// StaleRow is the EConflict of a row changed since it was read.
func StaleRow(format string, args ...any) *Error {
	return &Error{Code: EConflict, Stale: true, Message: fmt.Sprintf(format+" was changed by another request; retry", args...)}
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Public() + ": " + e.Cause.Error()
	}
	return e.Public()
}

// Public is Error without the Cause: what a reply may show.
func (e *Error) Public() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns a domain error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error naming the offending field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflict returns an EConflict error naming the field whose value is in
// the way.
func Conflict(field, format string, args ...any) *Error {
	return &Error{Code: EConflict, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Taken names field on the EConflict a store returns when a new row's
// key is in use ("lot \"A\" already exists"), which the store cannot
// name as the caller's input; any other error is returned as it is.
func Taken(err error, field string) error {
	var e *Error
	if !errors.As(err, &e) || e.Code != EConflict || e.Stale || e.Field != "" {
		return err
	}
	named := *e
	named.Field = field
	return &named
}

// ErrorCode returns the code of a domain error, or EInternal for anything
// else, so unknown failures are never mistaken for the caller's fault.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// IsCode reports whether err is a domain error with the given code.
func IsCode(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
