package tariff

// Error is a rejected parking tariff document (or slot): Field names the
// offending field the way the document spells it, e.g. `bands[1].from`;
// Reason the rule (a park.Reason constant) so a reader is told it in its
// own language, with its numbers (Params, as park.Error's); Offset, for a document that is not JSON, the byte where
// reading stopped (0: not known).
type Error struct {
	Field  string
	Msg    string
	Reason string
	Params []string
	Offset int64
}

func (e *Error) Error() string { return "tariff: " + e.Field + ": " + e.Msg }

func fieldErr(field, reason, msg string, params ...string) *Error {
	return &Error{Field: field, Reason: reason, Msg: msg, Params: params}
}
