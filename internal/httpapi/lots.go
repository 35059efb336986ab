package httpapi

import (
	"encoding/json"
	"net/http"

	"parkd/internal/core"
	"parkd/internal/gate"
	"parkd/internal/park"
)

type lotInput struct {
	Code             string          `json:"code"`
	Name             string          `json:"name"`
	TimeZone         string          `json:"timezone"`
	Currency         string          `json:"currency"`
	Capacity         *int            `json:"capacity"`
	ExitGraceMinutes *int            `json:"exit_grace_minutes"`
	QuoteTTLSeconds  *int            `json:"quote_ttl_seconds"`
	Sandbox          bool            `json:"sandbox"`
	MissedEntry      string          `json:"missed_entry"`
	Tariff           json.RawMessage `json:"tariff"`
}

type lotPatch struct {
	Name             *string         `json:"name"`
	TimeZone         *string         `json:"timezone"`
	Currency         *string         `json:"currency"`
	Capacity         *int            `json:"capacity"`
	ExitGraceMinutes *int            `json:"exit_grace_minutes"`
	QuoteTTLSeconds  *int            `json:"quote_ttl_seconds"`
	Sandbox          *bool           `json:"sandbox"`
	MissedEntry      *string         `json:"missed_entry"`
	Tariff           json.RawMessage `json:"tariff"`
}

type lotView struct {
	Code             string          `json:"code"`
	Name             string          `json:"name"`
	TimeZone         string          `json:"timezone"`
	Currency         string          `json:"currency"`
	Capacity         int             `json:"capacity"`
	ExitGraceMinutes int             `json:"exit_grace_minutes"`
	QuoteTTLSeconds  int             `json:"quote_ttl_seconds"`
	Sandbox          bool            `json:"sandbox"`
	MissedEntry      string          `json:"missed_entry"`
	Tariff           json.RawMessage `json:"tariff"`
	TariffVersion    int64           `json:"tariff_version"`
	Occupancy        park.Occupancy  `json:"occupancy"`
	CreatedAt        string          `json:"created_at"`
	UpdatedAt        string          `json:"updated_at"`
}

func viewLot(l *park.Lot) lotView {
	t := l.Tariff
	if len(t) == 0 {
		t = json.RawMessage("null")
	}
	return lotView{
		Code: l.Code, Name: l.Name, TimeZone: l.TimeZone, Currency: l.Currency, Capacity: l.Capacity,
		ExitGraceMinutes: l.ExitGraceMinutes, QuoteTTLSeconds: l.QuoteTTLSeconds, Sandbox: l.Sandbox,
		MissedEntry: l.MissedEntry, Tariff: t, TariffVersion: l.TariffVersion,
		Occupancy: park.NewOccupancy(l.Capacity, l.Occupied),
		CreatedAt: fmtTime(l.CreatedAt), UpdatedAt: fmtTime(l.UpdatedAt),
	}
}

func (s *Server) createLot(w http.ResponseWriter, r *http.Request) error {
	var in lotInput
	if err := decode(r, &in); err != nil {
		return err
	}
	l := &park.Lot{
		Code: in.Code, Name: in.Name, TimeZone: in.TimeZone, Currency: in.Currency,
		Sandbox: in.Sandbox, MissedEntry: in.MissedEntry, Tariff: in.Tariff,
	}
	if in.Capacity == nil {
		// The fields the document lists before capacity are named first:
		// an empty body is refused for its code, not its last field.
		if err := l.ValidateNames(); err != nil {
			return err
		}
		return park.Invalid("capacity", "is required (0 to %d)", park.MaxCapacity).Because(park.ReasonRequired)
	}
	l.Capacity = *in.Capacity
	l.ExitGraceMinutes = park.DefaultExitGraceMinutes
	setIf(&l.ExitGraceMinutes, in.ExitGraceMinutes)
	if in.QuoteTTLSeconds != nil {
		if *in.QuoteTTLSeconds == 0 {
			return park.QuoteTTLRange()
		}
		l.QuoteTTLSeconds = *in.QuoteTTLSeconds
	}
	out, err := s.svc.Gate.CreateLot(r.Context(), l)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/lots/"+out.Code)
	writeJSON(w, http.StatusCreated, viewLot(out))
	return nil
}

func (s *Server) listLots(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.svc.Gate.ListLots(r.Context())
	if err != nil {
		return err
	}
	out := make([]lotView, len(ls))
	for i, l := range ls {
		out[i] = viewLot(l)
	}
	writeJSON(w, http.StatusOK, map[string]any{"lots": out})
	return nil
}

func (s *Server) getLot(w http.ResponseWriter, r *http.Request) error {
	l, err := s.svc.Gate.GetLot(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewLot(l))
	return nil
}

func (s *Server) patchLot(w http.ResponseWriter, r *http.Request) error {
	var p lotPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	l, err := s.svc.Gate.UpdateLot(r.Context(), r.PathValue("code"), func(l *park.Lot) error {
		setIf(&l.Name, p.Name)
		setIf(&l.TimeZone, p.TimeZone)
		setIf(&l.Currency, p.Currency)
		setIf(&l.Capacity, p.Capacity)
		setIf(&l.ExitGraceMinutes, p.ExitGraceMinutes)
		setIf(&l.QuoteTTLSeconds, p.QuoteTTLSeconds)
		setIf(&l.Sandbox, p.Sandbox)
		setIf(&l.MissedEntry, p.MissedEntry)
		if p.Tariff != nil {
			l.Tariff = p.Tariff
		}
		return nil
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewLot(l))
	return nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (s *Server) getTariff(w http.ResponseWriter, r *http.Request) error {
	l, err := s.svc.Gate.GetLot(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if len(l.Tariff) == 0 {
		return park.Errorf(park.ENotFound, "lot %q has no tariff (parking there is free)", l.Code)
	}
	w.Header().Set("Content-Type", "application/json")
	if len(l.Tariff) == 0 { // null made parking free
		_, _ = w.Write([]byte("null"))
		return nil
	}
	_, _ = w.Write(l.Tariff)
	return nil
}

func (s *Server) putTariff(w http.ResponseWriter, r *http.Request) error {
	var doc json.RawMessage
	if err := decode(r, &doc); err != nil {
		return err
	}
	l, err := s.svc.Gate.SetTariff(r.Context(), r.PathValue("code"), doc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	if len(l.Tariff) == 0 { // null made parking free
		_, _ = w.Write([]byte("null"))
		return nil
	}
	_, _ = w.Write(l.Tariff)
	return nil
}

func (s *Server) occupancy(w http.ResponseWriter, r *http.Request) error {
	o, err := s.svc.Gate.Occupancy(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// listAnomalies answers one page of a lot's anomalies, newest first, as
// listAudit pages the audit log: limit, before, and next while older ones
// follow.
func (s *Server) listAnomalies(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := core.QueryLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	as, more, err := s.svc.Gate.AnomalyPage(r.Context(), gate.AnomalyQuery{LotCode: r.PathValue("code"), Limit: limit,
		BeforeID: q.Get("before")})
	if err != nil {
		return err
	}
	if as == nil {
		as = []*park.Anomaly{}
	}
	resp := map[string]any{"anomalies": as}
	if more {
		resp["next"] = as[len(as)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}
