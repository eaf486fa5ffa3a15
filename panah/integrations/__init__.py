"""Outside systems (PBX, SMS, routing engine, MQTT, radio), each behind an interface."""
