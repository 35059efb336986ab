package devices

import (
	"fmt"
	"strings"

	"parkd/internal/park"
)

// Screen is what a lane's screen shows and its voice card says with a
// decision. The texts live here, once, whatever protocol carries them.
type Screen struct {
	Lines []string // top line first
	Voice string
}

// Texts a lane says. VoiceWelcome is the frame the notes verified on a
// real card.
const (
	TextWelcome      = "欢迎光临"
	VoiceWelcome     = "欢迎光临,请入场停车"
	TextGoodbye      = "一路顺风"
	TextPleaseWait   = "请稍候"
	TextLotFull      = "车位已满"
	TextRefused      = "禁止通行"
	TextLocked       = "车辆已锁定"
	TextPayPrompt    = "请扫码缴费"
	TextSeeAttendant = "请联系管理员"
	TextNoPlateIn    = "无牌车请扫码入场"
)

// ScreenFor is what a lane of direction dir (park.DirectionIn or
// DirectionOut) shows with a decision.
func ScreenFor(dir string, dec park.Decision) Screen {
	plate := dec.Plate
	switch {
	case dec.Decision == park.DecisionOpen && dir == park.DirectionIn:
		return Screen{Lines: nonEmpty(plate, TextWelcome), Voice: VoiceWelcome}
	case dec.Decision == park.DecisionOpen:
		return Screen{Lines: nonEmpty(plate, TextGoodbye), Voice: TextGoodbye}
	case dec.AmountDue > 0:
		due := "请缴费" + Amount(dec.AmountDue, dec.Currency)
		return Screen{Lines: nonEmpty(plate, "停车费"+Amount(dec.AmountDue, dec.Currency), TextPayPrompt), Voice: due + "," + TextPayPrompt}
	case dec.Reason == park.ReasonLotFull:
		return Screen{Lines: nonEmpty(plate, TextLotFull), Voice: TextLotFull}
	case dec.Reason == park.ReasonRefused:
		return Screen{Lines: nonEmpty(plate, TextRefused), Voice: TextRefused}
	case dec.Reason == park.ReasonLocked:
		return Screen{Lines: nonEmpty(plate, TextLocked), Voice: TextLocked}
	}
	return Screen{Lines: nonEmpty(plate, TextSeeAttendant), Voice: TextSeeAttendant}
}

// NoPlateScreen is what a lane shows when its camera read no plate: at
// an entry, a plate-less car enters by scanning the lane's code (a
// partner's plate-less entry); anywhere else, an attendant helps.
func NoPlateScreen(dir string) Screen {
	if dir == park.DirectionIn {
		return Screen{Lines: []string{TextNoPlateIn}, Voice: TextNoPlateIn}
	}
	return Screen{Lines: []string{TextSeeAttendant}, Voice: TextSeeAttendant}
}

// WaitScreen is what a lane shows when no decision came in time.
func WaitScreen() Screen { return Screen{Lines: []string{TextPleaseWait}, Voice: TextPleaseWait} }

// Amount words minor units as the lane says them: 1250 CNY is "12.50元".
func Amount(minor int64, currency string) string {
	unit := "元"
	if currency != "" && currency != "CNY" {
		unit = " " + currency
	}
	d := park.MinorUnits(currency)
	if currency == "" {
		d = 2
	}
	if d == 0 {
		return fmt.Sprintf("%d%s", minor, unit)
	}
	p := int64(1)
	for range d {
		p *= 10
	}
	return fmt.Sprintf("%d.%0*d%s", minor/p, d, minor%p, unit)
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
