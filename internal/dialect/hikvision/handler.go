package hikvision

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
)

// Handler serves the cameras' pushes.
type Handler struct {
	dev     *devices.Service
	barrier *Barrier
	log     *slog.Logger
}

// Config wires a Handler.
type Config struct {
	Devices *devices.Service
	Barrier *Barrier // how an open reaches the camera
	Log     *slog.Logger
}

// New returns the cameras' HTTP endpoint.
func New(c Config) *Handler {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{dev: c.Devices, barrier: c.Barrier, log: c.Log}
}

// Mount adds the push route (the camera's "HTTP listening" host path).
func (h *Handler) Mount(mount func(string, http.Handler)) {
	mount("POST /devices/hikvision", http.HandlerFunc(h.push))
}

// openTimeout bounds the call back that opens a barrier after a read.
const openTimeout = 3 * time.Second

// push answers 200 once the read is decided (the camera only wants to
// know it arrived); an open then reaches the barrier by calling the
// camera back.
func (h *Handler) push(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxPush)
	doc, picture, err := eventDoc(r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			http.Error(w, "push too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pr, err := parseAlert(doc)
	if err != nil {
		h.log.Info("malformed camera push", "source", r.RemoteAddr, "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if pr.Other != "" {
		h.heard(w, r, pr)
		return
	}
	ans, err := h.dev.Read(r.Context(), devices.Read{Serial: pr.Serial, Protocol: Protocol, RecordID: pr.UUID, Plate: pr.Plate,
		PlateColor: pr.Color, At: pr.At, Source: r.RemoteAddr, Image: picture})
	if err != nil {
		if park.IsCode(err, park.ENotFound) {
			http.Error(w, "camera "+pr.Serial+" is not registered with parkd", http.StatusForbidden)
			return
		}
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
	if ans.Open && !ans.Repeat && h.barrier != nil { // a repeat's lift was sent the first time
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
			defer cancel()
			if err := h.barrier.Send(ctx, ans.Device, park.GateOpen); err != nil {
				h.dev.Unacknowledged(context.WithoutCancel(ctx), ans.Device, park.GateOpen, err)
			} else {
				h.dev.Acknowledged(ctx, ans.Device, park.GateOpen)
			}
		}()
	}
}

// heard answers an event that is no plate read: the camera is alive.
func (h *Handler) heard(w http.ResponseWriter, r *http.Request, pr plateRead) {
	err := h.dev.Heard(r.Context(), pr.Serial, Protocol, r.RemoteAddr)
	switch {
	case park.IsCode(err, park.ENotFound):
		http.Error(w, "camera "+pr.Serial+" is not registered with parkd", http.StatusForbidden)
	case err != nil:
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	default:
		w.WriteHeader(http.StatusOK)
	}
}
