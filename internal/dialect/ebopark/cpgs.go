package ebopark

func (h *Handler) cpgsOps() map[string]operation { return nil }
