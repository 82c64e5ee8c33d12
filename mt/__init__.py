"""Translation stage: reading, cleaning, language identification, segmentation and CTranslate2 translation."""
