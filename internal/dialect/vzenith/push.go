// Package vzenith speaks the HTTP push protocol of Vzenith (臻识) plate
// cameras and the many compatible ones: a camera POSTs each plate read and
// drives its lane from the reply (barrier, screen, voice). It only
// translates: the devices subsystem verifies the camera and asks the gate.
// See docs/devices.md.
package vzenith

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
)

// Protocol is the registry's name for a camera pushing over HTTP.
const Protocol = "vzenith-http"

// MaxPush bounds a push body: a read with its full-size image (base64)
// fits; more is refused.
const MaxPush = 4 << 20

// push is the body of a plate read.
type push struct {
	AlarmInfoPlate *struct {
		Channel    flexInt `json:"channel"`
		DeviceName string  `json:"deviceName"`
		IPAddr     string  `json:"ipaddr"`
		SerialNo   string  `json:"serialno"`
		Result     struct {
			PlateResult *plateResult `json:"PlateResult"` // nil: not sent
		} `json:"result"`
	} `json:"AlarmInfoPlate"`
}

// plateResult holds only what parkd reads: a field it ignores
// (confidence, type, direction, ...) can never refuse a read.
type plateResult struct {
	License     string   `json:"license"`
	ColorType   flexInt  `json:"colorType"`
	TriggerType flexInt  `json:"triggerType"`
	PlateID     *flexInt `json:"plateid"` // nil: not sent
	IsOffline   flexInt  `json:"isoffline"`
	ImagePath   string   `json:"imagePath"`
	ImageFile   string   `json:"imageFile"` // base64 picture, when the camera sends it (pictureOf)
	TimeStamp   struct {
		Timeval struct {
			Sec  flexInt `json:"sec"`
			USec flexInt `json:"usec"`
		} `json:"Timeval"`
	} `json:"timeStamp"`
}

// flexInt is a number some firmware sends as a JSON string.
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	s = strings.Trim(s, `"`)
	if s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// A type error, so the decoder names the field (parsePush).
		return &json.UnmarshalTypeError{Value: fmt.Sprintf("%.20q", s), Type: reflect.TypeFor[int64]()}
	}
	*f = flexInt(n)
	return nil
}

// noPlate is the license of a read with no plate.
const noPlate = "_无_"

// colors maps colorType to the plate colours parkd records.
var colors = map[flexInt]string{1: "blue", 2: "yellow", 3: "white", 4: "black", 5: "green", 6: "yellow_green"}

// plateRead is a push decoded and checked.
type plateRead struct {
	Serial   string
	PlateID  int64
	HasID    bool   // the camera sent a plateid: without one, no record id
	License  string // "" when the camera read no plate
	Color    string
	At       time.Time // the camera's time of the read (zero: none sent)
	Offline  bool
	Channel  int64
	HasPlate bool
	Image    []byte // the picture, when sent and small enough to keep
	// NoPassage: triggerType 64, 65 or 66 (a car lingering, the lane
	// cleared, a car turning back) reports no car passing.
	NoPassage bool
}

// noPassage are the triggerTypes that report no car passing.
var noPassage = map[flexInt]bool{64: true, 65: true, 66: true}

// parsePush decodes a push body, with a clear error for what is missing.
func parsePush(body []byte) (plateRead, error) {
	var p push
	if err := json.Unmarshal(body, &p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return plateRead{}, fmt.Errorf("%s: %s is not %s", te.Field, te.Value, typeName(te.Type))
		}
		return plateRead{}, fmt.Errorf("body is not a plate push: %v", err)
	}
	a := p.AlarmInfoPlate
	if a == nil {
		return plateRead{}, fmt.Errorf("AlarmInfoPlate is missing")
	}
	if a.Result.PlateResult == nil {
		// No read at all, which is not a read of no plate ("_无_"): the
		// lane must not tell a driver to scan for a plate-less entry.
		return plateRead{}, fmt.Errorf("AlarmInfoPlate.result.PlateResult is missing")
	}
	return readOf(a.SerialNo, int64(a.Channel), *a.Result.PlateResult)
}

// typeName says what a field should have been, in the camera's terms.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int64, reflect.Int:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Struct, reflect.Pointer, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}

// readOf is the read of a camera's plate result, whichever way it came.
func readOf(serial string, channel int64, r plateResult) (plateRead, error) {
	out := plateRead{Serial: strings.TrimSpace(serial), Channel: channel,
		Offline: r.IsOffline != 0, Color: colors[r.ColorType], NoPassage: noPassage[r.TriggerType]}
	if r.PlateID != nil {
		out.PlateID, out.HasID = int64(*r.PlateID), true
	}
	switch {
	case r.IsOffline != 0 && r.IsOffline != 1:
		return plateRead{}, fmt.Errorf("PlateResult.isoffline must be 0 (live) or 1 (offline record), not %d", r.IsOffline)
	case out.Serial == "":
		return plateRead{}, fmt.Errorf("AlarmInfoPlate.serialno is missing")
	case len(out.Serial) > 64:
		return plateRead{}, fmt.Errorf("AlarmInfoPlate.serialno is longer than 64 characters")
	case out.PlateID < 0:
		return plateRead{}, fmt.Errorf("PlateResult.plateid is negative")
	}
	lic := strings.TrimSpace(r.License)
	if lic != "" && lic != noPlate {
		out.License, out.HasPlate = lic, true
	}
	out.Image = pictureOf(r)
	if sec := int64(r.TimeStamp.Timeval.Sec); sec > 0 && sec < 1<<40 {
		usec := int64(r.TimeStamp.Timeval.USec)
		if usec < 0 || usec >= 1_000_000 {
			usec = 0
		}
		out.At = time.Unix(sec, usec*1000).UTC()
	}
	return out, nil
}

// pictureOf is the picture of a read, however it came (push or MQTT):
// imageFile's bytes when they are a picture, else imagePath's when it is
// base64 of one (MQTT's always is, the notes say; the push is read
// the same way), else imageFile's bytes, if any, for the devices subsystem to
// refuse and log. An imagePath naming the camera's own file (no operator
// could fetch it) is no picture. Whether bytes are a picture is the
// devices subsystem's one rule (devices.PictureType).
func pictureOf(r plateResult) []byte {
	file := decodePicture(r.ImageFile)
	if devices.PictureType(file) != "" {
		return file
	}
	if path := decodePicture(r.ImagePath); devices.PictureType(path) != "" {
		return path
	}
	return file
}

// decodePicture is the bytes of a base64 picture field; nil when it is
// empty, not base64, or too big to keep (not even decoded).
func decodePicture(f string) []byte {
	if f == "" || len(f) > base64.StdEncoding.EncodedLen(park.MaxImage) {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(f)
	if err != nil {
		return nil
	}
	return b
}

// recordID is the read's record id: "" for a push without plateid, which
// is never taken for a repeat of another (each is its own read).
func (r plateRead) recordID() string {
	if !r.HasID {
		return ""
	}
	return strconv.FormatInt(r.PlateID, 10)
}

// reply is the answer a camera acts on.
type reply struct {
	Response responseAlarm `json:"Response_AlarmInfoPlate"`
	// ContinuePushOffline asks for the camera's next stored record.
	Continue *continuePush `json:"ContinuePushOffline,omitempty"`
}

type responseAlarm struct {
	Info       string       `json:"info"` // "ok" opens the barrier
	PlateID    *int64       `json:"plateid,omitempty"`
	ChannelNum int64        `json:"channelNum"`
	SerialData []serialData `json:"serialData,omitempty"`
}

type serialData struct {
	SerialChannel int    `json:"serialChannel"`
	Data          string `json:"data"` // base64
	DataLen       int    `json:"dataLen"`
}

type continuePush struct {
	PlateID  int64 `json:"plateid"`
	Continue int   `json:"continue"`
}
