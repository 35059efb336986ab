package web

import (
	"net/http"
	"time"

	"parkd/internal/operators"
	"parkd/internal/park"
)

// The devices page of a lot: its lane equipment and whether each is
// online (the devices subsystem's registry). Passwords never leave it.
func devicesSection() section {
	return section{key: "devices", lotPath: "devices", routes: []route{
		{"GET " + Prefix + "lots/{lot}/devices", (*Console).devicesPage},
	}}
}

type devicesData struct {
	Lot     *park.Lot
	Loc     *time.Location
	Devices []*park.Device
}

func (w *Console) devicesPage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ds, err := w.sys.Devices.Devices(r.Context(), l.Code)
	if err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "devices", p, "overview", devicesData{Lot: l, Loc: l.Location(), Devices: ds})
	return nil
}
