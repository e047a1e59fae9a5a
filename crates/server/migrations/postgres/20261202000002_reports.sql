-- The reports read ranges of time: customers' messages by when they were
-- sent, agents' messages by agent and time, and moves between statuses
-- by where they went and when.
CREATE INDEX messages_from_customers ON messages (sent_at, wa_id) WHERE author = 'user';
CREATE INDEX messages_by_agent ON messages (agent_id, sent_at) WHERE author = 'agent';
CREATE INDEX transitions_by_status ON transitions (to_status, at);
CREATE INDEX transitions_by_agent ON transitions (agent_id, command, at) WHERE agent_id IS NOT NULL;
