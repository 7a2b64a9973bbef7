// The require() side: index.d.cts and carracing.d.cts.
import i8x16 = require('i8x16');
import carracing = require('i8x16/carracing');

export const load: typeof i8x16.loadModel = i8x16.loadModel;
export const width: number = carracing.STATE_W;
// @ts-expect-error no such export
export const nothing = i8x16.notAnExport;
