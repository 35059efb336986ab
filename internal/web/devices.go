package web

import (
	"net/http"
	"strings"
	"time"

	"parkd/internal/devices"
	"parkd/internal/operators"
	"parkd/internal/park"
)

// The devices page of a lot: its lane equipment and whether each is
// online (the devices subsystem's registry). Passwords never leave it.
func devicesSection() section {
	return section{key: "devices", lotPath: "devices", routes: []route{
		{"GET " + Prefix + "lots/{lot}/devices", (*Console).devicesPage},
		{"GET " + Prefix + "images/{id}", (*Console).image},
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

// image serves a camera picture parkd kept (devices.ImagePath, which
// needs the admin token) to an operator who may see its lot; another
// lot's answers 404. Only picture types are served as such.
func (w *Console) image(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	im, err := w.sys.Devices.Image(r.Context(), r.PathValue("id"))
	if err == nil && !p.MaySee(im.LotCode) {
		err = park.Errorf(park.ENotFound, "image %q not found", r.PathValue("id"))
	}
	if err != nil {
		return notFoundAs(err, "image", r.PathValue("id"))
	}
	ct := "application/octet-stream"
	switch im.ContentType {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp":
		ct = im.ContentType
	}
	rw.Header().Set("Content-Type", ct)
	rw.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	_, _ = rw.Write(im.Data)
	return nil
}

// imageSrc is where the console's pages load a camera picture: a kept
// one through the console (a browser holds no admin token), any other
// from the camera's own address.
func imageSrc(u string) string {
	if id, ok := strings.CutPrefix(u, devices.ImagePath); ok {
		return Prefix + "images/" + id
	}
	return u
}
