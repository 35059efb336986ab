package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"parkd/internal/core"
	"parkd/internal/park"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[park.Code]int{
	park.EInvalid:        http.StatusBadRequest,
	park.ENotFound:       http.StatusNotFound,
	park.EConflict:       http.StatusConflict,
	park.EUnauthorized:   http.StatusUnauthorized,
	park.EQuoteExpired:   http.StatusGone,
	park.EQuotePaid:      http.StatusConflict,
	park.EAmountMismatch: http.StatusUnprocessableEntity,
	park.EStaySettled:    http.StatusConflict,
	park.EStayClosed:     http.StatusConflict,
	park.EIdempotencyKey: http.StatusUnprocessableEntity,
	park.ELotFull:        http.StatusConflict,
	park.EEntryRefused:   http.StatusConflict,
	park.ECardData:       http.StatusUnprocessableEntity,
	park.ERateLimited:    http.StatusTooManyRequests,
	park.EReplayed:       http.StatusConflict,
	park.EUnavailable:    http.StatusServiceUnavailable,
	park.EInternal:       http.StatusInternalServerError,
}

// The HTTP layer's own codes, for problems no core use case has (they are
// not park.Code values): each with its status, in this second, small
// table.
const (
	codeTooLarge         = "too_large"          // the body exceeds MaxBody
	codeMethodNotAllowed = "method_not_allowed" // the path exists, with other methods (Allow)
)

var transportStatus = map[string]int{
	codeTooLarge:         http.StatusRequestEntityTooLarge,
	codeMethodNotAllowed: http.StatusMethodNotAllowed,
}

// transportError is a problem of the HTTP layer itself (transportStatus).
type transportError struct {
	code, field, detail string
}

func (e *transportError) Error() string { return e.code + ": " + e.detail }

// problem is an RFC 9457 problem document with parkd's stable code, and
// the core's reason and params (park.Error.Reason, .Params), so a client
// tells two refusals of one code and field apart without reading detail.
type problem struct {
	Type     string   `json:"type"`
	Title    string   `json:"title"`
	Status   int      `json:"status"`
	Code     string   `json:"code"`
	Detail   string   `json:"detail,omitempty"`
	Field    string   `json:"field,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Params   []string `json:"params,omitempty"`
	Instance string   `json:"instance,omitempty"`
}

// writeError renders err as problem+json. Only internal errors are logged
// with detail, and their detail is never shown to the caller.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var te *transportError
	if errors.As(err, &te) {
		status := transportStatus[te.code]
		writeProblem(w, problem{Type: "https://parkd.dev/problems/" + te.code, Title: http.StatusText(status), Status: status,
			Code: te.code, Detail: te.detail, Field: te.field, Instance: r.URL.Path})
		return
	}
	code := park.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		code, status = park.EInternal, http.StatusInternalServerError
	}
	p := problem{
		Type:     "https://parkd.dev/problems/" + string(code),
		Title:    http.StatusText(status),
		Status:   status,
		Code:     string(code),
		Instance: r.URL.Path,
	}
	var pe *park.Error
	if errors.As(err, &pe) && code != park.EInternal {
		p.Detail, p.Field = pe.Public(), pe.Field
		if pe.Reason != "" {
			p.Reason, p.Params = pe.Reason, pe.Params
		}
	}
	if code == park.EInternal {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "internal error; it has been logged"
	}
	if code == park.EUnavailable {
		s.log.Warn("database unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "1")
	}
	if code == park.ERateLimited && pe != nil {
		w.Header().Set("Retry-After", strconv.FormatInt(pe.RetryAfter(s.now()), 10))
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// MaxBody bounds every request body.
const MaxBody = 1 << 20

// decode reads one strict JSON object (core.DecodeObject): unknown
// fields, trailing data and wrong types are refused with the field named.
// The body is JSON whatever Content-Type says, so a plain `curl -d` works.
func decode(r *http.Request, v any) error {
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	return core.DecodeObject(raw, v, "body")
}

// readBody reads r's body, refusing one over MaxBody as too large.
func readBody(r *http.Request) ([]byte, error) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &transportError{code: codeTooLarge, field: "body", detail: fmt.Sprintf("body: is larger than %d bytes", mbe.Limit)}
		}
		return nil, core.JSONError(err, "body", 0)
	}
	return raw, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
