"""The specialist agents, one module each. Each module registers an AgentSpec."""
