// Package ocpp is parkd's OCPP 1.6J central system: charge points connect
// over WebSocket (subprotocol ocpp1.6) at /ocpp/{chargePointId},
// authenticated by HTTP Basic on the upgrade (security profile 1). It
// translates OCPP messages to the charging subsystem's use cases and
// carries parkd's commands to chargers; no billing rule lives here.
package ocpp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"parkd/internal/core"
)

// Message types of OCPP-J.
const (
	TypeCall       = 2
	TypeCallResult = 3
	TypeCallError  = 4
)

// OCPP-J error codes (OCPP-J 1.6 section 4.2.3).
const (
	ErrNotImplemented               = "NotImplemented"
	ErrNotSupported                 = "NotSupported"
	ErrInternal                     = "InternalError"
	ErrProtocol                     = "ProtocolError"
	ErrSecurity                     = "SecurityError"
	ErrFormationViolation           = "FormationViolation"
	ErrPropertyConstraintViolation  = "PropertyConstraintViolation"
	ErrOccurenceConstraintViolation = "OccurenceConstraintViolation"
	ErrTypeConstraintViolation      = "TypeConstraintViolation"
	ErrGeneric                      = "GenericError"
)

// MaxFrame is the largest frame parkd reads; a charger's largest real
// message (a StopTransaction with its meter values) is far smaller.
const MaxFrame = 64 << 10

// maxIDLen bounds a message id (OCPP-J: a string of at most 36 characters).
const maxIDLen = 36

// Frame is one OCPP-J message.
type Frame struct {
	Type    int
	ID      string
	Action  string          // CALL
	Payload json.RawMessage // CALL, CALLRESULT: a JSON object
	// CALLERROR
	ErrorCode        string
	ErrorDescription string
	ErrorDetails     json.RawMessage
}

// FrameError is a frame parkd refuses, with the OCPP error code to answer
// it with and the id of the message when it could be read ("-1" when not).
type FrameError struct {
	ID      string
	Code    string
	Message string
}

func (e *FrameError) Error() string { return e.Code + ": " + e.Message }

// DecodeFrame reads one OCPP-J frame strictly: a JSON array of exactly the
// elements its type has, a message id of 1 to 36 characters, an action of
// letters, and a JSON object as payload. Errors are *FrameError.
func DecodeFrame(b []byte) (*Frame, error) {
	var parts []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&parts); err != nil {
		msg := "not a JSON array: " + trimJSON(err)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			msg = "a message must be a JSON array, not " + te.Value
		}
		return nil, &FrameError{ID: "-1", Code: ErrFormationViolation, Message: msg}
	}
	_, err := dec.Token()
	trailing := err != io.EOF // refused once the id is read, to answer with it
	if len(parts) < 3 {
		return nil, &FrameError{ID: "-1", Code: ErrFormationViolation, Message: fmt.Sprintf("a message has at least 3 elements, not %d", len(parts))}
	}
	var typ int
	if err := json.Unmarshal(parts[0], &typ); err != nil {
		return nil, &FrameError{ID: "-1", Code: ErrFormationViolation, Message: "the message type must be the integer 2, 3 or 4"}
	}
	var id string
	if err := json.Unmarshal(parts[1], &id); err != nil || id == "" || len(id) > maxIDLen {
		return nil, &FrameError{ID: "-1", Code: ErrFormationViolation, Message: "the message id must be a string of 1 to 36 characters"}
	}
	f := &Frame{Type: typ, ID: id}
	bad := func(format string, args ...any) error {
		return &FrameError{ID: id, Code: ErrFormationViolation, Message: fmt.Sprintf(format, args...)}
	}
	if trailing {
		return nil, bad("data after the message")
	}
	switch typ {
	case TypeCall:
		if len(parts) != 4 {
			return nil, bad("a CALL has 4 elements, not %d", len(parts))
		}
		if err := json.Unmarshal(parts[2], &f.Action); err != nil || !validAction(f.Action) {
			return nil, bad("the action must be a name of letters")
		}
		f.Payload = parts[3]
	case TypeCallResult:
		if len(parts) != 3 {
			return nil, bad("a CALLRESULT has 3 elements, not %d", len(parts))
		}
		f.Payload = parts[2]
	case TypeCallError:
		if len(parts) != 5 {
			return nil, bad("a CALLERROR has 5 elements, not %d", len(parts))
		}
		if json.Unmarshal(parts[2], &f.ErrorCode) != nil || json.Unmarshal(parts[3], &f.ErrorDescription) != nil {
			return nil, bad("a CALLERROR's code and description are strings")
		}
		f.ErrorDetails = parts[4]
		if !isObject(f.ErrorDetails) {
			return nil, bad("a CALLERROR's details are a JSON object")
		}
		return f, nil
	default:
		return nil, &FrameError{ID: id, Code: ErrFormationViolation, Message: "unknown message type " + strconv.Itoa(typ)}
	}
	if !isObject(f.Payload) {
		return nil, bad("the payload must be a JSON object")
	}
	return f, nil
}

func isObject(b json.RawMessage) bool {
	b = bytes.TrimSpace(b)
	return len(b) >= 2 && b[0] == '{'
}

func validAction(a string) bool {
	if a == "" || len(a) > 50 {
		return false
	}
	for _, r := range a {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

func trimJSON(err error) string { return strings.TrimPrefix(err.Error(), "json: ") }

// Encode writes the frame as OCPP-J, payloads as they are (no HTML
// escaping of what a charger sent).
func (f *Frame) Encode() ([]byte, error) {
	switch f.Type {
	case TypeCall:
		return marshal([]any{TypeCall, f.ID, f.Action, f.Payload})
	case TypeCallResult:
		return marshal([]any{TypeCallResult, f.ID, f.Payload})
	case TypeCallError:
		details := f.ErrorDetails
		if len(details) == 0 {
			details = json.RawMessage("{}")
		}
		return marshal([]any{TypeCallError, f.ID, f.ErrorCode, f.ErrorDescription, details})
	}
	return nil, errors.New("ocpp: unknown frame type " + strconv.Itoa(f.Type))
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Call returns a CALL frame with payload encoded.
func Call(id, action string, payload any) (*Frame, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return &Frame{Type: TypeCall, ID: id, Action: action, Payload: b}, nil
}

// Result returns a CALLRESULT frame with payload encoded.
func Result(id string, payload any) (*Frame, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, err
	}
	return &Frame{Type: TypeCallResult, ID: id, Payload: b}, nil
}

// ErrorFrame returns a CALLERROR frame.
func ErrorFrame(id, code, desc string) *Frame {
	return &Frame{Type: TypeCallError, ID: id, ErrorCode: code, ErrorDescription: desc, ErrorDetails: json.RawMessage("{}")}
}

// DecodePayload decodes a CALL's or CALLRESULT's payload into v strictly:
// an unknown field is a FormationViolation, a wrong JSON type a
// TypeConstraintViolation; then v's check names missing fields
// (OccurenceConstraintViolation) and bad values
// (PropertyConstraintViolation).
func DecodePayload(id string, payload json.RawMessage, v checker) error {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &FrameError{ID: id, Code: ErrTypeConstraintViolation, Message: fmt.Sprintf("%s must be %s, not %s", te.Field, core.JSONType(te.Type), te.Value)}
		}
		return &FrameError{ID: id, Code: ErrFormationViolation, Message: trimJSON(err)}
	}
	if err := v.check(); err != nil {
		err.ID = id
		return err
	}
	return nil
}

// checker is a payload that checks its own values.
type checker interface{ check() *FrameError }

func missing(field string) *FrameError {
	return &FrameError{Code: ErrOccurenceConstraintViolation, Message: field + " is required"}
}

func badValue(format string, args ...any) *FrameError {
	return &FrameError{Code: ErrPropertyConstraintViolation, Message: fmt.Sprintf(format, args...)}
}
