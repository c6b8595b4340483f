// The text of the pieces that only the playground page shows (why ReLU, why
// max pooling, the concept index, fully connected against convolution), added to i18n.js's tables when one of
// them is loaded, so the widgets' bundle, which never loads them, does not
// carry it. The files are pieces of i18n/<lang>/ like any other.
import { addStrings } from './i18n.js';
import enWhy from './i18n/en/why.js';
import enConcepts from './i18n/en/concepts.js';
import enFc from './i18n/en/fc.js';
import koWhy from './i18n/ko/why.js';
import koConcepts from './i18n/ko/concepts.js';
import koFc from './i18n/ko/fc.js';

addStrings({ en: { ...enWhy, ...enConcepts, ...enFc }, ko: { ...koWhy, ...koConcepts, ...koFc } });
