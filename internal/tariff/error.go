package tariff

// Error is a rejected parking tariff document (or slot): Field names the
// offending field the way the document spells it, e.g. `bands[1].from`.
type Error struct {
	Field string
	Msg   string
}

func (e *Error) Error() string { return "tariff: " + e.Field + ": " + e.Msg }

func fieldErr(field, msg string) *Error { return &Error{Field: field, Msg: msg} }
