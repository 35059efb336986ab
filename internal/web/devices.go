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
		{"GET " + Prefix + "lots/{lot}/devices/{serial}", (*Console).devicePage},
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

type deviceData struct {
	Lot    *park.Lot
	Loc    *time.Location
	Device *park.Device
	Addr   string              // the device's address, without a user or password in it
	Log    []*park.GateCommand // its lane's barrier commands, newest first
}

// deviceLog is how many of its lane's barrier commands a device's page
// shows.
const deviceLog = 20

// devicePage is one device of the lot: another lot's reads as one that
// does not exist.
func (w *Console) devicePage(rw http.ResponseWriter, r *http.Request, p *operators.Principal) error {
	l, err := w.lotFor(r, p)
	if err != nil {
		return err
	}
	ctx, serial := r.Context(), r.PathValue("serial")
	d, err := w.sys.Devices.Device(ctx, serial)
	if err == nil && d.LotCode != l.Code {
		err = park.Errorf(park.ENotFound, "device %q is not registered", serial)
	}
	if err != nil {
		return notFoundAs(err, "device", serial)
	}
	glog, err := w.sys.Gate.GateLog(ctx, l.Code, d.Lane, deviceLog)
	if park.IsCode(err, park.ENotFound) {
		// Its lane has not reported yet: no commands, as on the lanes page.
		glog, err = nil, nil
	}
	if err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "device", p, "overview", deviceData{Lot: l, Loc: l.Location(), Device: d, Addr: shownAddr(d.Addr),
		Log: glog})
	return nil
}

// shownAddr is a device's address as a page shows it: a user and
// password written into it (user:password@host, with a scheme or
// without) are left out, as the device's own are.
func shownAddr(addr string) string {
	scheme, rest := "", addr
	if i := strings.Index(addr, "://"); i >= 0 {
		scheme, rest = addr[:i+3], addr[i+3:]
	}
	host, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, tail = rest[:i], rest[i:]
	}
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	return scheme + host + tail
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
