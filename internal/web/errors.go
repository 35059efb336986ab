package web

import (
	"errors"
	"fmt"
	"net/http"

	"parkd/internal/park"
)

// pageError is what the error page says: the status, a message in the
// operator's language, and, when the message is not the core's own, the
// core's detail (in English, the core's language) so that nothing it
// said is lost.
type pageError struct {
	Status  int
	Message string
	Detail  string
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

// fieldWords name the core's fields as the console's forms label them.
var fieldWords = map[string]string{
	"plate": "plate", "reason": "reason", "valid_from": "from", "valid_to": "to", "command": "command", "name": "name",
	"role": "role", "lots": "lots", "language": "language", "password": "password", "partner": "partner",
	"report": "report", "entry": "entered", "exit": "left", "vehicle_class": "vehicle_class", "lot": "lot",
}

// describe is the one table from errors to what an operator of lang
// sees. English keeps the core's message, which names the field as the
// API does; Chinese and Portuguese get the console's words, with the
// core's message beside them as its detail.
func describe(lang string, err error) pageError {
	var pe *park.Error
	switch {
	case errors.Is(err, errForbidden):
		return pageError{Status: http.StatusForbidden, Message: translate(lang, "err_forbidden")}
	case errors.Is(err, errCSRF):
		return pageError{Status: http.StatusForbidden, Message: translate(lang, "err_csrf")}
	case errors.Is(err, errTooLarge):
		return pageError{Status: http.StatusRequestEntityTooLarge, Message: translate(lang, "err_too_large")}
	case !errors.As(err, &pe):
		return pageError{Status: http.StatusInternalServerError, Message: translate(lang, "err_internal")}
	}
	if pe.Code == park.EConflict && !pe.Stale && lang != "en" {
		// Not a lost race: what was asked clashes with what exists (a
		// name taken, a plate on another list). Reloading does not help.
		e := pageError{Status: http.StatusConflict, Message: translate(lang, "err_exists"), Detail: pe.Message}
		if k, ok := fieldWords[pe.Field]; ok {
			e.Message = fmt.Sprintf(translate(lang, "err_exists_field"), translate(lang, k))
		}
		return e
	}
	if pe.Code == park.EInvalid {
		e := pageError{Status: http.StatusBadRequest, Message: pe.Error()}
		if lang != "en" {
			field := pe.Field
			if k, ok := fieldWords[field]; ok {
				field = translate(lang, k)
			}
			e.Message, e.Detail = translate(lang, "err_invalid"), pe.Error()
			if field != "" {
				e.Message = fmt.Sprintf(translate(lang, "err_invalid_field"), field)
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
