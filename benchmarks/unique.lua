-- Make every request's query text different (a trailing SPARQL comment), so that no
-- answer can come from a cache: measures the full evaluation path.
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "%0A%23" .. counter)
end
