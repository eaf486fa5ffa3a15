"""What arrives on each channel: PBX calls and SMS (inbound), the web chat, the FastAGI resolver."""
