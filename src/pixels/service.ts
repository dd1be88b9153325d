// Retargeting pixels: a vendor and the id the vendor gave the user, checked against the vendor's format.
import { ApiError, Problems } from "../http/errors";
import { isAdmin } from "../users/service";
import type { UserRow } from "../users/store";
import type { PixelRow, PixelStore } from "./store";
import { isPixelType, normalizePixelId, PIXEL_TYPES, pixelIdFormat } from "./vendors";

export interface PixelDeps {
  pixels: PixelStore;
  now: () => Date;
  /** Links that fire a pixel are cached by the redirect path: forget them all when one goes away. */
  forgetLinks: () => void;
}

export async function addPixel(deps: PixelDeps, user: UserRow, input: { name: string; type: string; pixel_id: string }): Promise<PixelRow> {
  const problems = new Problems();
  const name = input.name.trim();
  if (name.length < 1 || name.length > 100) problems.add("name", "The name must be 1 to 100 characters.");
  let pixelId: string | null = null;
  if (!isPixelType(input.type)) problems.add("type", `The type must be one of ${PIXEL_TYPES.join(", ")}.`);
  else {
    pixelId = normalizePixelId(input.type, input.pixel_id);
    if (pixelId === null) problems.add("pixel_id", pixelIdFormat(input.type));
  }
  problems.throwIfAny();
  return deps.pixels.insert({ userId: user.id, name, type: input.type, pixelId: pixelId!, createdAt: deps.now() });
}

export async function listPixels(deps: PixelDeps, user: UserRow): Promise<PixelRow[]> {
  return deps.pixels.list(isAdmin(user) ? null : user.id);
}

export async function removePixel(deps: PixelDeps, user: UserRow, id: number): Promise<void> {
  const [pixel] = await deps.pixels.byIds([id]);
  if (!pixel || (pixel.userId !== user.id && !isAdmin(user))) throw new ApiError(404, { id: ["No such pixel."] });
  await deps.pixels.remove(pixel.id);
  deps.forgetLinks();
}
