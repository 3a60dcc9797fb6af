-- Argo CD health check for toolhive.stacklok.io/MCPRegistry (docs/gitops.md). Argo CD runs it with
-- the object as `obj` (gopher-lua, Lua 5.1). It reads the same kstatus conventions Flux and
-- `kubectl wait --for=condition=Ready` read: observedGeneration, Ready, Reconciling and Stalled.
local hs = {}
local status = obj.status
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile the registry"
  return hs
end

local generation = obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to act on generation " .. generation
  return hs
end

local function condition(kind)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local stalled = condition("Stalled")
if (stalled ~= nil and stalled.status == "True") or status.phase == "Failed" then
  hs.status = "Degraded"
  hs.message = (stalled ~= nil and stalled.message) or status.message or "The last sync failed"
  return hs
end

local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or status.message or "Synced"
  return hs
end

hs.status = "Progressing"
local reconciling = condition("Reconciling")
hs.message = (reconciling ~= nil and reconciling.message) or status.message or "Waiting for the first sync"
return hs
