package web

import (
	"net/http"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// The rental page of a lot: the rental stores in it, with their vehicles
// and models (the rental subsystem's catalogue).
func rentalSection() section {
	return section{key: "rental", lotPath: "rental", routes: []route{
		{"GET " + Prefix + "lots/{lot}/rental", (*Console).rentalPage},
	}}
}

type rentalStore struct {
	*park.RentalStore
	Vehicles []*park.RentalVehicle
}

type rentalData struct {
	Lot    *park.Lot
	Stores []rentalStore
	Models map[string]*park.VehicleModel
}

func (w *Console) rentalPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx := r.Context()
	stores, err := w.sys.Rental.ListStores(ctx)
	if err != nil {
		return err
	}
	models, err := w.sys.Rental.ListModels(ctx)
	if err != nil {
		return err
	}
	d := rentalData{Lot: l, Models: map[string]*park.VehicleModel{}}
	for _, m := range models {
		d.Models[m.Code] = m
	}
	for _, st := range stores {
		if st.LotCode != l.Code {
			continue
		}
		vs, err := w.sys.Rental.ListVehicles(ctx, st.Code)
		if err != nil {
			return err
		}
		d.Stores = append(d.Stores, rentalStore{RentalStore: st, Vehicles: vs})
	}
	w.render(rw, r, http.StatusOK, "rental", p, "overview", d)
	return nil
}
