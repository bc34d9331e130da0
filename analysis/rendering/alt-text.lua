-- Use a figure's `fig-alt` attribute (Quarto's cell option) as the image's alt text.
function Image(img)
  local alt = img.attributes["fig-alt"]
  if alt then
    img.caption = pandoc.Inlines(pandoc.Str(alt))
    img.attributes["fig-alt"] = nil
    img.attributes["alt"] = nil
  end
  return img
end
