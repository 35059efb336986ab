package httpapi

import (
	"net/http"

	"parkd/internal/park"
)

// deviceRoutes mounts the device registry.
func (s *Server) deviceRoutes() {
	s.admin("POST /v1/devices", s.registerDevice)
	s.admin("GET /v1/devices", s.listDevices)
	s.admin("GET /v1/devices/{serial}", s.getDevice)
	s.admin("DELETE /v1/devices/{serial}", s.removeDevice)
	s.admin("GET /v1/images/{id}", s.getImage)
}

// getImage serves a picture a camera sent with a read (its event's
// image_url).
func (s *Server) getImage(w http.ResponseWriter, r *http.Request) error {
	im, err := s.svc.Devices.Image(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", im.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(im.Data)
	return nil
}

type deviceInput struct {
	Serial    string `json:"serial"`
	Lot       string `json:"lot"`
	Lane      string `json:"lane"`
	Protocol  string `json:"protocol"`
	Kind      string `json:"kind,omitempty"`
	Direction string `json:"direction,omitempty"`
	Addr      string `json:"addr,omitempty"`
	Username  string `json:"username,omitempty"`
	Password  string `json:"password,omitempty"`
}

type deviceView struct {
	Serial    string  `json:"serial"`
	Lot       string  `json:"lot"`
	Lane      string  `json:"lane"`
	Kind      string  `json:"kind"`
	Protocol  string  `json:"protocol"`
	Direction string  `json:"direction"`
	Addr      string  `json:"addr,omitempty"`
	Username  string  `json:"username,omitempty"`
	Online    bool    `json:"online"`
	SeenAt    *string `json:"seen_at,omitempty"`
	Since     string  `json:"since"`
	CreatedAt string  `json:"created_at"`
	// UnansweredSince: the device's barrier stopped acknowledging opens
	// after reads then, and has not answered since.
	UnansweredSince *string `json:"unanswered_since,omitempty"`
}

func viewDevice(d *park.Device) deviceView {
	return deviceView{Serial: d.Serial, Lot: d.LotCode, Lane: d.Lane, Kind: d.Kind, Protocol: d.Protocol, Direction: d.Direction,
		Addr: d.Addr, Username: d.Username, Online: d.Online, SeenAt: fmtTimePtr(d.SeenAt), Since: fmtTime(d.Since),
		CreatedAt: fmtTime(d.CreatedAt), UnansweredSince: fmtTimePtr(d.Unanswered)}
}

func (s *Server) registerDevice(w http.ResponseWriter, r *http.Request) error {
	var in deviceInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d := &park.Device{Serial: in.Serial, LotCode: in.Lot, Lane: in.Lane, Protocol: in.Protocol, Kind: in.Kind,
		Direction: in.Direction, Addr: in.Addr, Username: in.Username, Password: in.Password}
	if err := s.svc.Devices.Register(r.Context(), d); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, viewDevice(d))
	return nil
}

func (s *Server) listDevices(w http.ResponseWriter, r *http.Request) error {
	lot := r.URL.Query().Get("lot")
	if err := park.CheckText("lot", lot); err != nil {
		return err
	}
	ds, err := s.svc.Devices.Devices(r.Context(), lot)
	if err != nil {
		return err
	}
	out := make([]deviceView, len(ds))
	for i, d := range ds {
		out[i] = viewDevice(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"devices": out})
	return nil
}

func (s *Server) getDevice(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.Devices.Device(r.Context(), r.PathValue("serial"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewDevice(d))
	return nil
}

func (s *Server) removeDevice(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Devices.Remove(r.Context(), r.PathValue("serial")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
