"""Features: pure functions over an analysed document that the front ends (the language
server, the command line, the MCP server) share. A feature never imports another feature;
what two need lives in a lower layer (ARCHITECTURE.md).

Pure Python: no pygls import.
"""
