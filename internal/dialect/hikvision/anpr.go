// Package hikvision speaks the ISAPI of Hikvision ANPR cameras: the
// camera pushes each plate read (multipart, anpr.xml and pictures), and
// parkd opens the barrier by calling the camera back (HTTP Digest). It
// only translates: the devices subsystem verifies the camera and asks the
// gate. See docs/devices.md.
package hikvision

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"strings"
	"time"

	"parkd/internal/park"
)

// Protocol is the registry's name for an ISAPI camera.
const Protocol = "hikvision-isapi"

// MaxPush bounds a push (the XML and its pictures).
const MaxPush = 8 << 20

// maxXML bounds the event document itself.
const maxXML = 256 << 10

// alert is the part of EventNotificationAlert parkd reads.
type alert struct {
	XMLName    xml.Name `xml:"EventNotificationAlert"`
	IPAddress  string   `xml:"ipAddress"`
	MACAddress string   `xml:"macAddress"`
	DeviceID   string   `xml:"deviceID"`
	ChannelID  string   `xml:"channelID"`
	DateTime   string   `xml:"dateTime"`
	EventType  string   `xml:"eventType"`
	UUID       string   `xml:"UUID"`
	ANPR       struct {
		LicensePlate    string `xml:"licensePlate"`
		Direction       string `xml:"direction"`
		ConfidenceLevel string `xml:"confidenceLevel"`
		PlateType       string `xml:"plateType"`
		PlateColor      string `xml:"plateColor"`
		VehicleType     string `xml:"vehicleType"`
		VehicleListName string `xml:"vehicleListName"`
	} `xml:"ANPR"`
}

// plateRead is a push decoded and checked.
type plateRead struct {
	Serial string // deviceID, else the MAC address
	UUID   string
	Plate  string // "" when none was read
	Color  string
	At     time.Time // zero when the camera sent no parsable time
	// Other is the eventType of an event that is no plate read (a
	// heartbeat, videoloss inactive; a motion alarm): it says the camera
	// is alive, nothing more.
	Other string
}

var colors = map[string]string{"blue": "blue", "yellow": "yellow", "white": "white", "black": "black", "green": "green"}

// Serial is a camera's serial as parkd keeps it: a MAC address (the id of
// a camera whose events carry no deviceID) in lower case with colons,
// however the installer typed it from the camera's label (upper case,
// dashes); any other id as given.
func Serial(s string) string {
	s = strings.TrimSpace(s)
	if hw, err := net.ParseMAC(s); err == nil && len(hw) == 6 {
		return hw.String()
	}
	return s
}

// parseAlert reads an ANPR event document.
func parseAlert(doc []byte) (plateRead, error) {
	var a alert
	if err := xml.Unmarshal(doc, &a); err != nil {
		return plateRead{}, fmt.Errorf("not an EventNotificationAlert: %v", err)
	}
	r := plateRead{Serial: strings.TrimSpace(a.DeviceID), UUID: strings.TrimSpace(a.UUID),
		Color: colors[strings.ToLower(strings.TrimSpace(a.ANPR.PlateColor))]}
	if r.Serial == "" {
		r.Serial = Serial(a.MACAddress)
	}
	switch {
	case r.Serial == "":
		return plateRead{}, errors.New("neither deviceID nor macAddress names the camera")
	case len(r.Serial) > 64:
		return plateRead{}, errors.New("the camera's id is longer than 64 characters")
	case len(r.UUID) > 56:
		return plateRead{}, errors.New("UUID is longer than 56 characters")
	}
	if et := strings.TrimSpace(a.EventType); !strings.EqualFold(et, "ANPR") {
		if et == "" {
			return plateRead{}, errors.New("eventType is missing")
		}
		return plateRead{Serial: r.Serial, Other: et}, nil
	}
	if p := strings.TrimSpace(a.ANPR.LicensePlate); p != "" && !strings.EqualFold(p, "unknown") {
		r.Plate = p
	}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(a.DateTime)); err == nil {
		r.At = t.UTC()
	}
	return r, nil
}

// eventDoc finds the event document of a push: the XML part of a
// multipart body (anpr.xml), or the body itself when it is XML; and the
// first picture part (image/*), when it fits park.MaxImage: what type it
// is, and whether it is one at all, its bytes say (devices.PictureType).
func eventDoc(contentType string, body io.Reader) (doc, picture []byte, err error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		b, err := io.ReadAll(io.LimitReader(body, maxXML+1))
		if err != nil {
			return nil, nil, err
		}
		if len(b) > maxXML {
			return nil, nil, fmt.Errorf("event document over %d bytes", maxXML)
		}
		return b, nil, nil
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			if doc == nil {
				return nil, nil, errors.New("no XML part in the push")
			}
			return doc, picture, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading the push: %w", err)
		}
		ct := p.Header.Get("Content-Type")
		switch {
		case doc == nil && (strings.Contains(ct, "xml") || strings.HasSuffix(p.FileName(), ".xml") || strings.HasSuffix(p.FormName(), ".xml")):
			b, err := io.ReadAll(io.LimitReader(p, maxXML+1))
			if err != nil {
				return nil, nil, err
			}
			if len(b) > maxXML {
				return nil, nil, fmt.Errorf("event document over %d bytes", maxXML)
			}
			doc = bytes.TrimSpace(b)
			continue
		case picture == nil && strings.HasPrefix(ct, "image/"):
			b, err := io.ReadAll(io.LimitReader(p, park.MaxImage+1))
			if err != nil {
				return nil, nil, fmt.Errorf("reading the push: %w", err)
			}
			if len(b) <= park.MaxImage {
				picture = b
			}
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			return nil, nil, fmt.Errorf("reading the push: %w", err)
		}
	}
}
