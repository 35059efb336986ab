package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// pageError is what the error page says: the status and a message in
// the operator's language. Detail is the core's own message (English).
// Hint is the rule that refused a document's field (park.Error.Reason)
// in the operator's language, which the tariff form shows beside the
// field, or, for a rule the console has no words for, Detail.
type pageError struct {
	Status  int
	Message string
	Detail  string
	Hint    string
}

// hintWords word the rule that refused a field of a document typed (a
// tariff, charging rules), by park.Error.Reason.
var hintWords = map[string]string{
	park.ReasonRequired: "hint_required", park.ReasonType: "hint_type", park.ReasonRange: "hint_range",
	park.ReasonLength: "hint_length", park.ReasonFormat: "hint_format", park.ReasonUnknown: "hint_unknown",
	park.ReasonDuplicate: "hint_duplicate", park.ReasonSyntax: "hint_syntax", park.ReasonOverlap: "hint_overlap",
	park.ReasonGap: "hint_gap", park.ReasonNotApplicable: "hint_not_applicable", park.ReasonAllOrNone: "hint_all_or_none",
	park.ReasonEmpty: "hint_empty", park.ReasonOrder: "hint_order", park.ReasonOwnAccount: "hint_own_account",
	park.ReasonNeeds: "hint_needs", park.ReasonNotConnected: "hint_not_connected", park.ReasonNotAnswering: "hint_not_answering",
	park.ReasonExcludes: "hint_excludes", park.ReasonCurrency: "hint_currency", park.ReasonUnresolved: "hint_unresolved",
	park.ReasonPrivate: "hint_private", park.ReasonControlCharacter: "hint_control_character", park.ReasonPast: "hint_past",
}

// hintParams word a rule with its numbers (park.Error.Params), when the
// core gave as many as the words take; else hintWords word it alone.
var hintParams = map[string]struct {
	key string
	n   int
}{
	park.ReasonRange: {"hint_range_n", 2}, park.ReasonLength: {"hint_length_n", 2}, park.ReasonGap: {"hint_gap_n", 2},
	park.ReasonOverlap: {"hint_overlap_n", 1}, park.ReasonNeeds: {"hint_needs_n", 1},
	park.ReasonExcludes: {"hint_excludes_n", 1}, park.ReasonCurrency: {"hint_currency_n", 2},
	park.ReasonControlCharacter: {"hint_control_character_n", 2},
}

// hint words the rule that refused pe's field in lang, with its numbers
// when it has them; "" for a rule the console has no words for.
func hint(lang string, pe *park.Error) string {
	if w, ok := hintParams[pe.Reason]; ok && len(pe.Params) == w.n {
		args := make([]any, len(pe.Params))
		for i, p := range pe.Params {
			args[i] = p
		}
		return fmt.Sprintf(translate(lang, w.key), args...)
	}
	if k, ok := hintWords[pe.Reason]; ok {
		return translate(lang, k)
	}
	return ""
}

// errorKeys word the core's codes on a page (EInvalid is worded with its
// field, below). A code not here is a bug: internal.
var errorKeys = map[park.Code]struct {
	status int
	key    string
}{
	park.ENotFound:     {http.StatusNotFound, "err_not_found"},
	park.EConflict:     {http.StatusConflict, "err_conflict"},
	park.EStayClosed:   {http.StatusConflict, "err_stay_closed"},
	park.EStaySettled:  {http.StatusConflict, "err_stay_settled"},
	park.ERateLimited:  {http.StatusTooManyRequests, "rate_limited"},
	park.EUnauthorized: {http.StatusUnauthorized, "err_unauthorized"},
	park.EUnavailable:  {http.StatusServiceUnavailable, "err_unavailable"},
}

// clashKeys word a clash with what exists by the field the core names:
// a plate has one list entry a lot, a name one operator, and a lane held
// open refuses a close command until it is released.
var clashKeys = map[string]string{"plate": "err_plate_taken", "name": "err_name_taken", "command": "err_lane_held"}

// reasonWords word an invalid field by the rule that refused it
// (park.Error.Reason), for the field or, field "", any field; with
// fieldArg the word's %s is the field's word, else args fill it.
var reasonWords = map[[2]string]struct {
	key      string
	fieldArg bool
	args     []any
}{
	{"", park.ReasonOrder}:              {key: "err_order", fieldArg: true},
	{"", park.ReasonPast}:               {key: "err_past", fieldArg: true},
	{"password", park.ReasonLength}:     {key: "err_password_length", args: []any{operators.MinPasswordLen, operators.MaxPasswordLen}},
	{"role", park.ReasonOwnAccount}:     {key: "err_own_role"},
	{"disabled", park.ReasonOwnAccount}: {key: "err_own_disable"},
	{"plate", park.ReasonLength}:        {key: "cd_err_plate_short", args: []any{plate.MinFuzzyQuery}},
}

// plateWhy words why the plate package refused a plate (a plate.Why in
// park.Error.Reason, its values in Params) in lang: a word named as the
// Why, whose %s take the values; "" when it is not a plate's refusal.
func plateWhy(lang string, pe *park.Error) string {
	if !slices.Contains(plate.Whys(), plate.Why(pe.Reason)) {
		return ""
	}
	w := translate(lang, pe.Reason)
	if n := strings.Count(w, "%"); n != len(pe.Params) {
		return "" // values the word does not take: say only which field
	}
	args := make([]any, len(pe.Params))
	for i, p := range pe.Params {
		args[i] = p
	}
	if plate.Why(pe.Reason) == plate.WhyCharacter {
		k := plateWantKey(plate.Want(pe.Params[1]))
		if _, ok := words[k]; !ok {
			return ""
		}
		args[1] = translate(lang, k)
	}
	return fmt.Sprintf(w, args...)
}

// plateWantKey is the word of what the place of a refused character
// takes (plate.Want).
func plateWantKey(want plate.Want) string { return "plate_want_" + string(want) }

// fieldWords name the core's fields as the console's forms label them.
var fieldWords = map[string]string{
	"plate": "plate", "reason": "reason", "valid_from": "from", "valid_to": "to", "command": "command", "name": "name",
	"role": "role", "lots": "lots", "language": "language", "password": "password", "partner": "partner",
	"report": "report", "entry": "entered", "exit": "left", "vehicle_class": "vehicle_class", "lot": "lot",
	"state": "state", "day": "booking_day",
	// A page link's place in a list (coupons, anomalies, the audit log,
	// deliveries; on the access page, one a list): only a link edited
	// by hand names a wrong one.
	"before": "page_cursor", "passes_after": "passes_cursor", "whitelist_after": "whitelist_cursor",
	"deny_after": "deny_cursor", "special_after": "special_cursor", "hotel_after": "hotel_cursor",
}

// fieldWord is a field as the console's form labels it in lang, or as
// the core names it when no form does.
func fieldWord(lang, field string) string {
	if k, ok := fieldWords[field]; ok {
		return translate(lang, k)
	}
	return field
}

// badTime is a form's date and time the console could not read: the
// console's own refusal, worded wholly in every language.
type badTime struct{ field, value string }

func (e *badTime) Error() string {
	return fmt.Sprintf("%s: %q is not a date and time", e.field, e.value)
}

// missing is a thing a page named by its id (in its path or form) that
// the core did not find, or that the operator may not see, which reads
// the same: worded with its kind (a word kind_<kind>) and id. core is
// the core's own error, whose message an English page keeps.
type missing struct {
	kind, id string
	core     *park.Error
}

func (e *missing) Error() string { return fmt.Sprintf("%s %q not found", e.kind, e.id) }

// notFoundAs names what a page's look-up of id did not find: a kind of
// thing (kind_<kind>, en/zh/pt). Any other error is err as it is.
func notFoundAs(err error, kind, id string) error {
	var pe *park.Error
	if errors.As(err, &pe) && pe.Code == park.ENotFound {
		return &missing{kind: kind, id: id, core: pe}
	}
	return err
}

// describe is the one table from errors to what an operator of lang
// sees. English keeps the core's message, which names the field as the
// API does; Chinese and Portuguese get the console's words only, from
// the error's code and the field it names.
func describe(lang string, err error) pageError {
	var pe *park.Error
	var bt *badTime
	var ms *missing
	var wm *wrongMethod
	switch {
	case errors.Is(err, errForbidden):
		return pageError{Status: http.StatusForbidden, Message: translate(lang, "err_forbidden")}
	case errors.Is(err, errCSRF):
		return pageError{Status: http.StatusForbidden, Message: translate(lang, "err_csrf")}
	case errors.Is(err, errCrossOrigin):
		return pageError{Status: http.StatusForbidden, Message: translate(lang, "err_cross_origin")}
	case errors.As(err, &wm):
		return pageError{Status: http.StatusMethodNotAllowed, Message: fmt.Sprintf(translate(lang, "err_method"), wm.allowed, wm.method)}
	case errors.Is(err, errTooLarge):
		return pageError{Status: http.StatusRequestEntityTooLarge, Message: translate(lang, "err_too_large")}
	case errors.As(err, &ms):
		e := pageError{Status: http.StatusNotFound, Message: fmt.Sprintf(translate(lang, "err_missing"), translate(lang, "kind_"+ms.kind), ms.id)}
		if ms.core != nil && lang == "en" {
			e.Message = ms.core.Message
		}
		return e
	case errors.As(err, &bt):
		if lang == "en" {
			return pageError{Status: http.StatusBadRequest, Message: bt.Error()}
		}
		return pageError{Status: http.StatusBadRequest, Message: fmt.Sprintf(translate(lang, "err_not_a_time"), fieldWord(lang, bt.field))}
	case !errors.As(err, &pe):
		return pageError{Status: http.StatusInternalServerError, Message: translate(lang, "err_internal")}
	}
	if pe.Code == park.EConflict && !pe.Stale && lang != "en" {
		// Not a lost race: what was asked clashes with what exists (a
		// name taken, a plate on another list). Reloading does not help.
		e := pageError{Status: http.StatusConflict, Message: translate(lang, "err_exists"), Detail: pe.Message}
		if k, ok := clashKeys[pe.Field]; ok {
			e.Message = translate(lang, k)
		} else if pe.Field != "" {
			e.Message = fmt.Sprintf(translate(lang, "err_exists_field"), fieldWord(lang, pe.Field))
		}
		return e
	}
	if pe.Code == park.EInvalid {
		e := pageError{Status: http.StatusBadRequest, Message: pe.Error()}
		if lang != "en" {
			e.Message, e.Detail = translate(lang, "err_invalid"), pe.Error()
			e.Hint = hint(lang, pe)
			w, ok := reasonWords[[2]string{pe.Field, pe.Reason}]
			if !ok {
				w, ok = reasonWords[[2]string{"", pe.Reason}]
			}
			switch {
			case ok && pe.Reason != "" && w.fieldArg:
				e.Message = fmt.Sprintf(translate(lang, w.key), fieldWord(lang, pe.Field))
			case ok && pe.Reason != "":
				e.Message = fmt.Sprintf(translate(lang, w.key), w.args...)
			case pe.Field != "" && plateWhy(lang, pe) != "":
				e.Message = fmt.Sprintf(translate(lang, "err_invalid_because"), fieldWord(lang, pe.Field), plateWhy(lang, pe))
			case pe.Field != "":
				e.Message = fmt.Sprintf(translate(lang, "err_invalid_field"), fieldWord(lang, pe.Field))
			}
		}
		return e
	}
	k, ok := errorKeys[pe.Code]
	if !ok {
		return pageError{Status: http.StatusInternalServerError, Message: translate(lang, "err_internal")}
	}
	e := pageError{Status: k.status, Message: pe.Message}
	switch {
	case pe.Code == park.EUnavailable:
		e.Message = translate(lang, k.key)
	case lang != "en":
		e.Message, e.Detail = translate(lang, k.key), pe.Message
	}
	return e
}

// refusedInput is err as a page's refusal of what was typed in its form
// (400), shown on the page with the form kept; nil for any other error,
// which the error page shows.
func refusedInput(lang string, err error) *pageError {
	if e := describe(lang, err); e.Status == http.StatusBadRequest {
		return &e
	}
	return nil
}
