package vzenith

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"parkd/internal/device/led"
	"parkd/internal/devices"
	"parkd/internal/park"
)

// Handler serves the cameras' pushes and heartbeats.
type Handler struct {
	dev *devices.Service
	log *slog.Logger
}

// Config wires a Handler.
type Config struct {
	Devices *devices.Service
	Log     *slog.Logger
}

// New returns the cameras' HTTP endpoints.
func New(c Config) *Handler {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{dev: c.Devices, log: c.Log}
}

// Mount adds the routes: the push URL and the heartbeat URL a camera is
// set up with.
func (h *Handler) Mount(mount func(string, http.Handler)) {
	mount("POST /devices/vzenith", http.HandlerFunc(h.push))
	mount("POST /devices/vzenith/heartbeat", http.HandlerFunc(h.heartbeat))
}

// refusal is the body of a push parkd does not act on. It carries no
// Response_AlarmInfoPlate, so the camera does not take it for an answer.
type refusal struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readBody reads r's body whole, up to limit bytes; a larger one (what
// names it) is answered 413 and an unreadable one 400, and ok is false.
func readBody(w http.ResponseWriter, r *http.Request, limit int, what string) (body []byte, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(limit)))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			writeJSON(w, http.StatusRequestEntityTooLarge, refusal{what + " is at most " + strconv.Itoa(limit) + " bytes"})
			return nil, false
		}
		writeJSON(w, http.StatusBadRequest, refusal{"reading the body: " + err.Error()})
		return nil, false
	}
	return body, true
}

func (h *Handler) push(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r, MaxPush, "a push")
	if !ok {
		return
	}
	pr, err := parsePush(body)
	if err != nil {
		h.log.Info("malformed camera push", "source", r.RemoteAddr, "err", err)
		writeJSON(w, http.StatusBadRequest, refusal{err.Error()})
		return
	}
	rd := devices.Read{Serial: pr.Serial, Protocol: Protocol, RecordID: pr.recordID(), Plate: pr.License,
		PlateColor: pr.Color, At: pr.At, Offline: pr.Offline, NoPassage: pr.NoPassage, Source: r.RemoteAddr, Image: pr.Image}
	ans, err := h.dev.Read(r.Context(), rd)
	if err != nil {
		if park.IsCode(err, park.ENotFound) {
			writeJSON(w, http.StatusForbidden, refusal{"camera " + pr.Serial + " is not registered with parkd"})
			return
		}
		writeJSON(w, http.StatusServiceUnavailable, refusal{"unavailable"})
		return
	}
	out := reply{Response: responseAlarm{Info: "no", ChannelNum: pr.Channel}}
	if pr.HasID {
		id := pr.PlateID
		out.Response.PlateID = &id
	}
	switch {
	case pr.Offline && !ans.Recorded:
		// Not recorded (late, refused, the store down): no
		// ContinuePushOffline, so the camera keeps the record and sends it
		// again (the same record is one read).
	case pr.Offline:
		// The car passed long ago: nothing at the lane is to move or
		// speak now; the camera is asked for its next stored record.
		out.Continue = &continuePush{PlateID: pr.PlateID, Continue: 1}
	case ans.Open:
		out.Response.Info = "ok"
		out.Response.SerialData = h.frames(ans.Screen)
	default:
		out.Response.SerialData = h.frames(ans.Screen)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) frames(s devices.Screen) []serialData { return screenFrames(h.log, s) }

// screenFrames are a screen's lines and voice as serial data for the
// lane's screen card.
func screenFrames(log *slog.Logger, s devices.Screen) []serialData {
	var out []serialData
	add := func(f []byte, err error) {
		if err != nil {
			log.Warn("screen frame", "err", err)
			return
		}
		out = append(out, serialData{SerialChannel: 0, Data: base64.StdEncoding.EncodeToString(f), DataLen: len(f)})
	}
	for i, line := range s.Lines {
		add(led.Text(i, line, screenSeconds))
	}
	if s.Voice != "" {
		add(led.Voice(s.Voice))
	}
	return out
}

// screenSeconds is how long a decision's lines stay on the screen.
const screenSeconds = 10

// maxHeartbeat bounds a heartbeat body (a few form fields).
const maxHeartbeat = 64 << 10

// heartbeat answers a camera's heartbeat: a command waiting for it rides
// on the reply (the only way to reach a camera behind NAT over HTTP),
// else "no", which the camera takes as nothing to do.
func (h *Handler) heartbeat(w http.ResponseWriter, r *http.Request) {
	// Read whole first: a form parser stopped by the limit leaves the form
	// empty, and the camera would be told its serial is missing.
	body, ok := readBody(w, r, maxHeartbeat, "a heartbeat")
	if !ok {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	serial, err := heartbeatSerial(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, refusal{err.Error()})
		return
	}
	cmds, err := h.dev.Heartbeat(r.Context(), serial, Protocol, r.RemoteAddr)
	if err != nil {
		if park.IsCode(err, park.ENotFound) {
			writeJSON(w, http.StatusForbidden, refusal{"camera " + serial + " is not registered with parkd"})
			return
		}
		writeJSON(w, http.StatusServiceUnavailable, refusal{"unavailable"})
		return
	}
	out := reply{Response: responseAlarm{Info: "no"}}
	if len(cmds) > 0 { // one per heartbeat: the camera acts on one reply
		c := cmds[0]
		if c.Name == park.GateOpen {
			out.Response.Info = "ok"
		}
		out.Response.SerialData = h.frames(c.Screen)
	}
	writeJSON(w, http.StatusOK, out)
}

// heartbeatSerial reads serialno from a heartbeat: multipart or URL-encoded.
func heartbeatSerial(r *http.Request) (string, error) {
	if err := r.ParseMultipartForm(maxHeartbeat); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return "", errors.New("heartbeat is not a form: " + err.Error())
	}
	if r.Form == nil {
		if err := r.ParseForm(); err != nil {
			return "", errors.New("heartbeat is not a form: " + err.Error())
		}
	}
	s := r.FormValue("serialno")
	switch {
	case s == "":
		return "", errors.New("serialno is missing")
	case len(s) > 64:
		return "", errors.New("serialno is longer than 64 characters")
	}
	return s, nil
}
