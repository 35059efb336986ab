package httpapi

import (
	"net/http"

	"parkd/internal/park"
)

// A lot's monthly rates (plans): native management of what partners sell
// as monthly and time-slot rates (月租费率, 时段月租费率).

type planInput struct {
	Code         string      `json:"code"`
	Name         string      `json:"name"`
	Price        *int64      `json:"price"`
	VehicleClass string      `json:"vehicle_class"`
	Slots        []park.Slot `json:"slots"`
}

type planPatch struct {
	Name         *string     `json:"name"`
	Price        *int64      `json:"price"`
	VehicleClass *string     `json:"vehicle_class"`
	Slots        []park.Slot `json:"slots"` // absent: unchanged; [] clears them
}

type planView struct {
	LotCode      string      `json:"lot_code"`
	Code         string      `json:"code"`
	Name         string      `json:"name"`
	Price        int64       `json:"price"`
	Currency     string      `json:"currency"` // ISO 4217, the lot's; price is in its minor units
	VehicleClass string      `json:"vehicle_class,omitempty"`
	Slots        []park.Slot `json:"slots"`
	CreatedAt    string      `json:"created_at"`
	UpdatedAt    string      `json:"updated_at"`
}

func viewPlan(p *park.Plan, currency string) planView {
	slots := p.Slots
	if slots == nil {
		slots = []park.Slot{}
	}
	return planView{LotCode: p.LotCode, Code: p.Code, Name: p.Name, Price: p.Price, Currency: currency, VehicleClass: p.VehicleClass,
		Slots: slots, CreatedAt: fmtTime(p.CreatedAt), UpdatedAt: fmtTime(p.UpdatedAt)}
}

func (s *Server) createPlan(w http.ResponseWriter, r *http.Request) error {
	var in planInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Price == nil {
		return park.Invalid("price", "is required")
	}
	out, err := s.svc.Access.CreatePlan(r.Context(), r.PathValue("code"), &park.Plan{Code: in.Code, Name: in.Name,
		Price: *in.Price, VehicleClass: in.VehicleClass, Slots: in.Slots})
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), out.LotCode)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/lots/"+out.LotCode+"/plans/"+out.Code)
	writeJSON(w, http.StatusCreated, viewPlan(out, cur))
	return nil
}

func (s *Server) listPlans(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.svc.Access.ListPlans(r.Context(), "", r.PathValue("code"))
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	out := make([]planView, len(ps))
	for i, p := range ps {
		out[i] = viewPlan(p, cur)
	}
	writeJSON(w, http.StatusOK, map[string]any{"plans": out})
	return nil
}

func (s *Server) getPlan(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Access.GetPlan(r.Context(), r.PathValue("code"), r.PathValue("plan"))
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), p.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewPlan(p, cur))
	return nil
}

func (s *Server) patchPlan(w http.ResponseWriter, r *http.Request) error {
	var in planPatch
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.svc.Access.UpdatePlan(r.Context(), r.PathValue("code"), r.PathValue("plan"), func(p *park.Plan) error {
		setIf(&p.Name, in.Name)
		setIf(&p.Price, in.Price)
		setIf(&p.VehicleClass, in.VehicleClass)
		if in.Slots != nil {
			p.Slots = in.Slots
		}
		return nil
	})
	if err != nil {
		return err
	}
	cur, err := s.lotCurrency(r.Context(), p.LotCode)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewPlan(p, cur))
	return nil
}

func (s *Server) deletePlan(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Access.DeletePlan(r.Context(), r.PathValue("code"), r.PathValue("plan")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
