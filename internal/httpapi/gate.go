package httpapi

import (
	"net/http"

	"parkd/internal/core"
	"parkd/internal/gate"
	"parkd/internal/park"
)

type eventInput struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Plate        string `json:"plate"`
	Lane         string `json:"lane"`
	At           string `json:"at"`
	ImageURL     string `json:"image_url"`
	PlateColor   string `json:"plate_color"`
	VehicleClass string `json:"vehicle_class"`
}

func (s *Server) postEvent(w http.ResponseWriter, r *http.Request) error {
	var in eventInput
	if err := decode(r, &in); err != nil {
		return err
	}
	at, err := parseTime("at", in.At)
	if err != nil {
		return err
	}
	dec, err := s.svc.Gate.HandleEvent(r.Context(), gate.EventInput{
		LotCode: r.PathValue("code"), ID: in.ID, Type: in.Type, Plate: in.Plate, Lane: in.Lane, At: at,
		ImageURL: in.ImageURL, PlateColor: in.PlateColor, VehicleClass: in.VehicleClass,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dec)
	return nil
}

type stayView struct {
	ID           string  `json:"id"`
	LotCode      string  `json:"lot_code"`
	Plate        string  `json:"plate"`
	VehicleClass string  `json:"vehicle_class"`
	Locator      string  `json:"locator"`
	State        string  `json:"state"`
	EntryAt      string  `json:"entry_at"`
	EntryLane    string  `json:"entry_lane"`
	ExitAt       *string `json:"exit_at"`
	ExitLane     string  `json:"exit_lane,omitempty"`
	PassID       string  `json:"pass_id,omitempty"`
	AmountTotal  int64   `json:"amount_total"`
	AmountPaid   int64   `json:"amount_paid"`
	Discount     int64   `json:"amount_discount"`
	Currency     string  `json:"currency"` // ISO 4217, the lot's; amounts are its minor units
	PaidUntil    *string `json:"paid_until"`
	Anomaly      string  `json:"anomaly,omitempty"`
}

func viewStay(st *park.Stay, currency string) stayView {
	return stayView{
		ID: st.ID, LotCode: st.LotCode, Plate: st.Plate, VehicleClass: st.VehicleClass, Locator: st.Locator,
		State: st.State, EntryAt: fmtTime(st.EntryAt), EntryLane: st.EntryLane, ExitAt: fmtTimePtr(st.ExitAt),
		ExitLane: st.ExitLane, PassID: st.PassID, AmountTotal: st.Total, AmountPaid: st.Paid,
		Discount: st.Discount, Currency: currency, PaidUntil: fmtTimePtr(st.PaidUntil), Anomaly: st.Anomaly,
	}
}

func (s *Server) listStays(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, err := core.QueryLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	sts, more, err := s.svc.Gate.StayPage(r.Context(), gate.StayQuery{
		LotCode: r.PathValue("code"), State: q.Get("state"), Plate: q.Get("plate"), Limit: limit, AfterID: q.Get("after"),
	})
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]stayView, len(sts))
	for i, st := range sts {
		out[i] = viewStay(st, cur)
	}
	resp := map[string]any{"stays": out}
	if more {
		resp["next"] = sts[len(sts)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) getStay(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Gate.GetStay(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), st.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewStay(st, cur))
	return nil
}
